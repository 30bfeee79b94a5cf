extension ConsoleTemplates {
    static let cases = """
        <form method="get" action="/console/cases" class="filters">
        <p><label for="q">{{l.search}}</label><input id="q" name="q" type="search" value="{{query}}"></p>
        <p><label for="country">{{l.country}}</label><select id="country" name="country">
        <option value="">{{l.any}}</option>{{#countries}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/countries}}
        </select></p>
        <p><label for="type">{{l.type}}</label><select id="type" name="type">
        <option value="">{{l.any}}</option>{{#types}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/types}}
        </select></p>
        <p><label for="status">{{l.status}}</label><select id="status" name="status">
        <option value="">{{l.any}}</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/statuses}}
        </select></p>
        <p><button type="submit">{{l.filter}}</button></p>
        </form>
        <p role="status">{{total}} {{l.found}}{{#pageCount}}, {{l.page_of}} {{page}}/{{pageCount}}{{/pageCount}}</p>
        {{#hasCases}}
        <div class="scroll"><table>
        <thead><tr><th scope="col">{{l.case}}</th><th scope="col">{{l.country}}</th><th scope="col">{{l.type}}</th>
        <th scope="col">{{l.status}}</th><th scope="col">{{l.latest_step}}</th></tr></thead>
        <tbody>
        {{#cases}}<tr><td><a href="/console/cases/{{id}}">{{name}}</a><br><span class="muted">{{id}}</span></td>
        <td>{{country}}</td><td>{{type}}</td><td>{{status}}</td><td>{{latestStep}}</td></tr>
        {{/cases}}
        </tbody></table></div>
        {{/hasCases}}
        {{^hasCases}}<p>{{l.no_cases}}</p>{{/hasCases}}
        <nav aria-label="{{l.pages}}"><p>{{#previous}}<a href="{{previous}}" rel="prev">{{l.previous}}</a> {{/previous}}{{#next}}<a href="{{next}}" rel="next">{{l.next}}</a>{{/next}}</p></nav>
        """

    static let timeline = """
        <p>{{id}} · {{country}} · {{type}} · {{status}}{{#court}} · {{court}}{{/court}}</p>
        <h2>{{l.steps}}</h2>
        <div class="scroll"><table>
        <thead><tr><th scope="col">{{l.date}}</th><th scope="col">{{l.status}}</th><th scope="col">{{l.outcome}}</th>
        <th scope="col">{{l.body}}</th><th scope="col">{{l.note}}</th></tr></thead>
        <tbody>{{#steps}}<tr><td>{{date}}</td><td>{{status}}</td><td>{{outcome}}</td><td>{{body}}</td><td>{{note}}</td></tr>{{/steps}}</tbody>
        </table></div>
        <h2>{{l.events}}</h2>
        {{^hasEvents}}<p>{{l.no_events}}</p>{{/hasEvents}}
        {{#events}}
        <section aria-labelledby="{{id}}">
        <h3 id="{{id}}">{{type}} · {{occurred}}</h3>
        <p>{{summary}}<br><span class="muted">{{id}} · {{l.detected}} {{detected}}</span></p>
        {{#withdrawal}}<p><strong>{{l.withdrawn}}:</strong> {{withdrawal}}</p>{{/withdrawal}}
        <div>
        <form method="post" action="/console/events/replay" class="inline">{{> fields}}<input type="hidden" name="event" value="{{id}}"><button type="submit" aria-label="{{l.replay_event}} {{id}}">{{l.replay_event}}</button></form>
        {{^withdrawal}}<form method="post" action="/console/events/withdraw" class="inline">{{> fields}}<input type="hidden" name="event" value="{{id}}"><button type="submit" aria-label="{{l.withdraw_event}} {{id}}">{{l.withdraw_event}}</button></form>{{/withdrawal}}
        </div>
        {{> deliveries}}
        </section>
        {{/events}}
        """

    /// A table of deliveries, each with its retry button; used by the timeline and the outbox.
    static let deliveries = """
        {{^hasDeliveries}}<p>{{l.no_deliveries}}</p>{{/hasDeliveries}}
        {{#hasDeliveries}}
        <div class="scroll"><table>
        <caption>{{l.deliveries}}</caption>
        <thead><tr><th scope="col">{{l.delivery}}</th><th scope="col">{{l.channel}}</th><th scope="col">{{l.subscriber}}</th>
        <th scope="col">{{l.endpoint}}</th><th scope="col">{{l.state}}</th><th scope="col">{{l.attempts}}</th>
        <th scope="col">{{l.last_reply}}</th><th scope="col">{{l.actions}}</th></tr></thead>
        <tbody>
        {{/hasDeliveries}}
        {{#deliveries}}<tr><td>{{id}}{{#generation}} ({{l.replay}} {{generation}}){{/generation}}{{#event}}<br><a href="/console/cases/{{caseID}}#{{event}}">{{event}}</a>{{/event}}</td>
        <td>{{channel}}</td><td>{{subscriber}}</td><td>{{endpoint}}</td><td>{{state}}</td><td>{{attempts}}</td><td>{{lastReply}}</td>
        <td><form method="post" action="/console/outbox/retry" class="inline">{{> fields}}<input type="hidden" name="id" value="{{id}}"><button type="submit" aria-label="{{l.retry}} {{id}}">{{l.retry}}</button></form>
        {{#event}}<form method="post" action="/console/events/replay" class="inline">{{> fields}}<input type="hidden" name="event" value="{{event}}"><button type="submit" aria-label="{{l.replay_event}} {{event}}">{{l.replay_event}}</button></form>
        <form method="post" action="/console/events/withdraw" class="inline">{{> fields}}<input type="hidden" name="event" value="{{event}}"><button type="submit" aria-label="{{l.withdraw_event}} {{event}}">{{l.withdraw_event}}</button></form>{{/event}}</td></tr>
        {{/deliveries}}
        {{#hasDeliveries}}</tbody></table></div>{{/hasDeliveries}}
        """

    static let outbox = """
        <h2>{{l.waiting}}</h2>
        {{#waiting}}{{> deliveries}}{{/waiting}}
        <h2>{{l.dead_letters}}</h2>
        {{#dead}}{{> deliveries}}{{/dead}}
        """

    static let subscribers = """
        <div class="scroll"><table>
        <thead><tr><th scope="col">{{l.subscriber}}</th><th scope="col">{{l.language}}</th><th scope="col">{{l.mode}}</th>
        <th scope="col">{{l.endpoints}}</th><th scope="col">{{l.actions}}</th></tr></thead>
        <tbody>
        {{#subscribers}}<tr><td>{{name}}<br><span class="muted">{{id}}</span></td><td>{{language}}</td><td>{{delivery}}</td>
        <td><ul>{{#endpoints}}<li>{{channel}}: {{address}} — <strong>{{state}}</strong>{{#reason}} ({{reason}}{{#since}}, {{l.since}} {{since}}{{/since}}){{/reason}}</li>{{/endpoints}}</ul></td>
        <td>{{#canResubscribe}}<form method="post" action="/console/subscribers/resubscribe" class="inline">{{> fields}}<input type="hidden" name="id" value="{{id}}"><button type="submit" aria-label="{{l.resubscribe}} {{id}}">{{l.resubscribe}}</button></form>{{/canResubscribe}}
        {{#canEnable}}<form method="post" action="/console/subscribers/enable" class="inline">{{> fields}}<input type="hidden" name="id" value="{{id}}"><button type="submit" aria-label="{{l.enable}} {{id}}">{{l.enable}}</button></form>{{/canEnable}}</td></tr>
        {{/subscribers}}
        </tbody></table></div>
        """

    static let silences = """
        <h2>{{l.add_silence}}</h2>
        <form method="post" action="/console/silences/add">
        {{> fields}}
        <p><label for="matcher">{{l.matcher}}</label><select id="matcher" name="matcher">
        <option value="case">{{l.matcher_case}}</option><option value="subscriber">{{l.matcher_subscriber}}</option><option value="type">{{l.matcher_type}}</option>
        </select></p>
        <p><label for="value">{{l.value}}</label><input id="value" name="value" required></p>
        <p><label for="duration">{{l.duration}}</label><input id="duration" name="duration" value="1d" required></p>
        <p><label for="reason">{{l.reason}}</label><input id="reason" name="reason" required></p>
        <p><button type="submit">{{l.add}}</button></p>
        </form>
        <h2>{{l.silences}}</h2>
        {{^hasSilences}}<p>{{l.none}}</p>{{/hasSilences}}
        {{#hasSilences}}<div class="scroll"><table>
        <thead><tr><th scope="col">#</th><th scope="col">{{l.state}}</th><th scope="col">{{l.matcher}}</th>
        <th scope="col">{{l.until}}</th><th scope="col">{{l.reason}}</th><th scope="col">{{l.actions}}</th></tr></thead>
        <tbody>{{/hasSilences}}
        {{#silences}}<tr><td>{{id}}</td><td>{{state}}</td><td>{{matcher}} {{value}}</td><td>{{until}}</td><td>{{reason}}</td>
        <td>{{#active}}<form method="post" action="/console/silences/expire" class="inline">{{> fields}}<input type="hidden" name="id" value="{{id}}"><button type="submit" aria-label="{{l.expire}} {{id}}">{{l.expire}}</button></form>{{/active}}</td></tr>
        {{/silences}}
        {{#hasSilences}}</tbody></table></div>{{/hasSilences}}
        """

    static let sources = """
        <h2>{{l.overview}}</h2>
        <ul>
        <li>{{l.registry_size}}: {{status.registrySize}}</li>
        <li>{{l.events_detected}}: {{status.events}}</li>
        <li>{{l.last_cycle}}: {{lastCycle}}</li>
        <li>{{l.queue}}: {{status.queueDepth}} · {{l.delivered}}: {{status.delivered}} · {{l.dead_letters}}: {{status.deadLetters}}</li>
        </ul>
        <h2>{{l.sources}}</h2>
        <div class="scroll"><table>
        <thead><tr><th scope="col">{{l.sources}}</th><th scope="col">{{l.kind}}</th><th scope="col">{{l.location}}</th>
        <th scope="col">{{l.cases}}</th><th scope="col">{{l.entries}}</th><th scope="col">{{l.as_of}}</th>
        <th scope="col">{{l.last_read}}</th><th scope="col">{{l.last_failure}}</th></tr></thead>
        <tbody>{{#sources}}<tr><td>{{id}}</td><td>{{kind}}</td><td>{{location}}</td><td>{{cases}}</td><td>{{entries}}</td>
        <td>{{asOf}}</td><td>{{lastGoodFetch}}</td><td>{{lastError}}</td></tr>{{/sources}}</tbody>
        </table></div>
        <h2>{{l.nodes}}</h2>
        {{^hasNodes}}<p>{{l.single_node}}</p>{{/hasNodes}}
        {{#hasNodes}}<div class="scroll"><table>
        <thead><tr><th scope="col">{{l.node}}</th><th scope="col">{{l.seen}}</th><th scope="col">{{l.leases}}</th>
        <th scope="col">{{l.leader}}</th><th scope="col">{{l.configuration}}</th></tr></thead>
        <tbody>{{#nodes}}<tr><td>{{id}}</td><td>{{seenAt}}</td><td>{{leasesHeld}}</td><td>{{leads}}</td><td>{{configDigest}}</td></tr>{{/nodes}}</tbody>
        </table></div>{{/hasNodes}}
        """
}
