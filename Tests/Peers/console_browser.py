#!/usr/bin/env python3
"""Drives CaseWatch's operator console in a real browser: Debian's Chromium, headless, through its own
chromedriver (Selenium from the .venv-browser virtual environment; Selenium Manager never downloads anything).

Walks the operator's errand: sign in, search a case, open its timeline and find its deliveries, replay a dead
letter from the outbox, add a silence, sign out. Screenshots (375 px wide, as on a phone) go to --screenshots.
Exit status 0 when every step saw what it should; 1 with the reason on stderr (and failure.png) otherwise.
"""

import argparse
import os
import sys

os.environ["SE_OFFLINE"] = "true"  # Selenium Manager: never reach the network

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

WIDTH, HEIGHT = 375, 812


class Failure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failure(message)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--disable-extensions", f"--window-size={WIDTH},{HEIGHT}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    # A phone's viewport, whatever the window manager allows for the window itself.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": True})
    driver.set_page_load_timeout(30)
    return driver


class Errand:
    def __init__(self, driver, base, screenshots):
        self.driver = driver
        self.base = base.rstrip("/")
        self.screenshots = screenshots

    def go(self, path):
        self.driver.get(self.base + path)

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.screenshots, name + ".png"))

    def heading(self):
        headings = self.driver.find_elements(By.TAG_NAME, "h1")
        expect(len(headings) == 1, f"{self.driver.current_url}: {len(headings)} h1 headings")
        return headings[0].text

    def flash(self):
        found = self.driver.find_elements(By.CSS_SELECTOR, "p.flash[role=status]")
        return found[0].text if found else ""

    def fits_the_width(self):
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        expect(width <= WIDTH, f"{self.driver.current_url}: the page is {width} px wide at {WIDTH} px")

    def labelled(self):
        # Every visible field has a label that names it.
        for field in self.driver.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), select"):
            ident = field.get_attribute("id")
            labels = self.driver.find_elements(By.CSS_SELECTOR, f"label[for='{ident}']") if ident else []
            expect(labels, f"{self.driver.current_url}: the field {field.get_attribute('name')} has no label")

    def submit(self, form):
        self.follow(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    def follow(self, element):
        """Clicks a link or button that leads to another page, and waits for that page."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        # The page clicked on must go before the next one is read: right after the click the old page still
        # reads "complete", and on a busy machine the answer comes later.
        WebDriverWait(self.driver, 60).until(expected_conditions.staleness_of(page))
        WebDriverWait(self.driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def sign_in(self, token):
        self.go("/console/cases")
        expect(self.driver.current_url.endswith("/console/login"),
               f"without a session the console opened {self.driver.current_url}")
        expect(self.heading() == "Sign in", f"sign-in page heading: {self.heading()!r}")
        self.labelled()
        self.shot("01-sign-in")
        field = self.driver.find_element(By.ID, "token")
        field.send_keys(token)
        self.submit(field.find_element(By.XPATH, "./ancestor::form"))
        expect(self.driver.current_url.endswith("/console/cases"), f"after sign-in: {self.driver.current_url}")
        cookies = self.driver.get_cookies()
        expect(any(c["name"] == "casewatch_console" and c.get("secure") and c.get("httpOnly") for c in cookies),
               f"no Secure HttpOnly session cookie in the browser: {[c['name'] for c in cookies]}")
        expect(self.driver.execute_script("return document.cookie") == "", "scripts can read the session cookie")

    def find_case(self, query, case_id):
        self.go("/console/cases")
        self.labelled()
        search = self.driver.find_element(By.ID, "q")
        search.send_keys(query)
        self.submit(search.find_element(By.XPATH, "./ancestor::form"))
        links = self.driver.find_elements(By.CSS_SELECTOR, f"a[href='/console/cases/{case_id}']")
        expect(links, f"searching {query!r} did not list {case_id}")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        expect(rows and all(query.lower() in row.text.lower() for row in rows),
               f"searching {query!r} listed cases that do not match: {[row.text for row in rows]}")
        self.fits_the_width()
        self.shot("02-cases-search")
        self.follow(links[0])
        expect(self.driver.current_url.endswith(f"/console/cases/{case_id}"), f"timeline: {self.driver.current_url}")

    def timeline_deliveries(self, event_id):
        section = self.driver.find_elements(By.CSS_SELECTOR, f"section[aria-labelledby='{event_id}']")
        expect(section, f"the timeline has no event {event_id}")
        cells = [c.text for c in section[0].find_elements(By.CSS_SELECTOR, "tbody td")]
        expect("dead" in cells and "webhook" in cells, f"the event's deliveries show no dead webhook delivery: {cells}")
        expect(any("500" in cell for cell in cells), f"the receiver's reply is not shown: {cells}")
        self.fits_the_width()
        self.shot("03-case-timeline")

    def replay_dead_letter(self, event_id):
        self.follow(self.driver.find_element(By.LINK_TEXT, "Outbox"))
        expect(self.heading() == "Outbox", f"outbox heading: {self.heading()!r}")
        button = self.driver.find_element(By.CSS_SELECTOR, f"button[aria-label='Replay event {event_id}']")
        self.shot("04-outbox")
        self.submit(button.find_element(By.XPATH, "./ancestor::form"))
        expect(self.driver.current_url.endswith("/console/outbox"), f"after the replay: {self.driver.current_url}")
        expect(f"of {event_id} queued (replay 1)" in self.flash(), f"replay flash: {self.flash()!r}")
        self.shot("05-replayed")

    def add_silence(self, case_id):
        self.follow(self.driver.find_element(By.LINK_TEXT, "Silences"))
        self.labelled()
        Select(self.driver.find_element(By.ID, "matcher")).select_by_value("case")
        self.driver.find_element(By.ID, "value").send_keys(case_id)
        duration = self.driver.find_element(By.ID, "duration")
        duration.clear()
        duration.send_keys("2h")
        reason = self.driver.find_element(By.ID, "reason")
        reason.send_keys("hearing moved, waiting for the court's notice")
        self.submit(reason.find_element(By.XPATH, "./ancestor::form"))
        expect(self.flash().startswith("Silence ") and case_id in self.flash(), f"silence flash: {self.flash()!r}")
        rows = [r.text for r in self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
        expect(any(case_id in r and "active" in r for r in rows), f"the silence is not listed: {rows}")
        self.fits_the_width()
        self.shot("06-silence-added")

    def sign_out(self):
        self.follow(self.driver.find_element(By.XPATH, "//header//button[normalize-space()='Sign out']"))
        expect(self.driver.current_url.endswith("/console/login"), f"after sign-out: {self.driver.current_url}")
        self.go("/console/outbox")
        expect(self.driver.current_url.endswith("/console/login"), "signed out, the outbox still opened")
        self.shot("07-signed-out")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token-env", required=True, help="the variable holding the console token")
    parser.add_argument("--query", required=True)
    parser.add_argument("--case", required=True)
    parser.add_argument("--dead-event", required=True)
    parser.add_argument("--silence-case", required=True)
    parser.add_argument("--screenshots", required=True)
    arguments = parser.parse_args()
    os.makedirs(arguments.screenshots, exist_ok=True)
    driver = browser()
    errand = Errand(driver, arguments.base_url, arguments.screenshots)
    try:
        errand.sign_in(os.environ[arguments.token_env])
        errand.find_case(arguments.query, arguments.case)
        errand.timeline_deliveries(arguments.dead_event)
        errand.replay_dead_letter(arguments.dead_event)
        errand.add_silence(arguments.silence_case)
        errand.sign_out()
    except Exception as error:  # any failure: say where, keep the page as it was
        errand.shot("failure")
        print(f"console_browser: {type(error).__name__}: {error} (at {driver.current_url})", file=sys.stderr)
        return 1
    finally:
        driver.quit()
    print("console_browser: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
