/*
 * libcurl's own rate against the webhook sink, for comparison with CaseWatch's: the same POST (the body
 * CaseWatch sends, headers of the same shape and size) N times over 8 keep-alive connections, with
 * nothing else to do: no signing, no store, no bookkeeping.
 *
 *   libcurl_rate URL BODY_FILE COUNT lanes   8 threads, each a blocking easy handle (CaseWatch's lanes)
 *   libcurl_rate URL BODY_FILE COUNT multi   one thread, libcurl's multi interface, 8 transfers in flight
 *
 * Prints one JSON line: requests, seconds, rate, CPU per request (user + system, getrusage), failures.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define LANES 8

static const char *url;
static char *body;
static long body_size;
static int total;
static int failures;
static pthread_mutex_t failures_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t discard(char *data, size_t size, size_t count, void *user) {
    (void)data; (void)user;
    return size * count;
}

static struct curl_slist *headers(void) {
    static const char *lines[] = {
        "content-type: application/json", "user-agent: CaseWatch/1",
        "webhook-id: msg_aaaaaaaaaaaaaaaaaaaaaaaaaa", "webhook-timestamp: 1764240000",
        "webhook-signature: v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "Expect:",
    };
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) list = curl_slist_append(list, lines[i]);
    return list;
}

/* Sets one request on a handle, as CaseWatch does for every delivery (headers built anew each time). */
static struct curl_slist *prepare(CURL *handle) {
    struct curl_slist *list = headers();
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, body_size);
    curl_easy_setopt(handle, CURLOPT_COPYPOSTFIELDS, body);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, discard);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    return list;
}

static void count_result(CURL *handle, CURLcode code) {
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK || status < 200 || status >= 300) {
        pthread_mutex_lock(&failures_lock);
        failures++;
        pthread_mutex_unlock(&failures_lock);
    }
}

static void *lane(void *argument) {
    int count = *(int *)argument;
    CURL *handle = curl_easy_init();
    for (int i = 0; i < count; i++) {
        struct curl_slist *list = prepare(handle);
        count_result(handle, curl_easy_perform(handle));
        curl_slist_free_all(list);
    }
    curl_easy_cleanup(handle);
    return NULL;
}

static void run_lanes(void) {
    pthread_t threads[LANES];
    int counts[LANES];
    for (int i = 0; i < LANES; i++) {
        counts[i] = total / LANES + (i < total % LANES);
        pthread_create(&threads[i], NULL, lane, &counts[i]);
    }
    for (int i = 0; i < LANES; i++) pthread_join(threads[i], NULL);
}

static void run_multi(void) {
    CURLM *multi = curl_multi_init();
    CURL *handles[LANES];
    struct curl_slist *lists[LANES];
    int started = 0, finished = 0, running = 0;
    for (int i = 0; i < LANES && started < total; i++, started++) {
        handles[i] = curl_easy_init();
        lists[i] = prepare(handles[i]);
        curl_multi_add_handle(multi, handles[i]);
    }
    while (finished < total) {
        curl_multi_perform(multi, &running);
        CURLMsg *message;
        int left;
        while ((message = curl_multi_info_read(multi, &left))) {
            if (message->msg != CURLMSG_DONE) continue;
            CURL *handle = message->easy_handle;
            count_result(handle, message->data.result);
            curl_multi_remove_handle(multi, handle);
            finished++;
            int slot = 0;
            while (handles[slot] != handle) slot++;
            curl_slist_free_all(lists[slot]);
            lists[slot] = NULL;
            if (started < total) {
                lists[slot] = prepare(handle);
                curl_multi_add_handle(multi, handle);
                started++;
            }
        }
        if (finished < total) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    for (int i = 0; i < LANES && i < total; i++) curl_easy_cleanup(handles[i]);
    curl_multi_cleanup(multi);
}

static double seconds_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[4], "lanes") && strcmp(argv[4], "multi"))) {
        fprintf(stderr, "usage: %s URL BODY_FILE COUNT lanes|multi\n", argv[0]);
        return 64;
    }
    url = argv[1];
    total = atoi(argv[3]);
    FILE *file = fopen(argv[2], "rb");
    if (!file) { perror(argv[2]); return 66; }
    fseek(file, 0, SEEK_END);
    body_size = ftell(file);
    rewind(file);
    body = malloc(body_size + 1);
    if (fread(body, 1, body_size, file) != (size_t)body_size) { perror(argv[2]); return 66; }
    fclose(file);
    curl_global_init(CURL_GLOBAL_ALL);
    double start = seconds_now(), cpu_start = cpu_seconds();
    if (!strcmp(argv[4], "lanes")) run_lanes(); else run_multi();
    double elapsed = seconds_now() - start, cpu = cpu_seconds() - cpu_start;
    printf("{\"benchmark\": \"libcurl-%s\", \"requests\": %d, \"seconds\": %.4f, \"per_second\": %.1f, "
           "\"cpu_us_per_request\": %.1f, \"failures\": %d, \"parallel\": %d}\n",
           argv[4], total, elapsed, total / elapsed, cpu * 1e6 / total, failures, LANES);
    curl_global_cleanup();
    return failures ? 1 : 0;
}
