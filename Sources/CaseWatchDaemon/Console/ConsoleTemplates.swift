/// The console's Mustache templates, embedded in the binary (it is shipped alone, with no resource bundle): the
/// layout, its stylesheet and the sign-in page here; the other pages in `ConsoleTemplates+Pages.swift`.
///
/// No JavaScript and no external asset: every page works with a keyboard and a screen reader, at 375 px wide.
enum ConsoleTemplates {
    static let style = """
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff}
        a{color:#0b4fa8}
        a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #b35900;outline-offset:2px}
        .skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}
        header{background:#12304f;color:#fff;padding:8px 16px}
        header a,header button{color:#fff}
        nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px}
        header form{margin:4px 0 0}
        main{padding:8px 16px;max-width:72rem}
        h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin:1.5rem 0 .5rem}h3{font-size:1.1rem;margin:1rem 0 .25rem}
        .flash{background:#e6f4ea;border-left:4px solid #1e7b34;padding:8px}
        .error{background:#fdecea;border-left:4px solid #b3261e;padding:8px}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%;margin:.5rem 0}
        th,td{border-bottom:1px solid #c8c8c8;padding:4px 6px;text-align:left;vertical-align:top}
        th{background:#f0f2f5}
        caption{text-align:left;font-weight:600}
        label{display:block;font-weight:600}
        input,select,button{font:inherit;padding:4px 8px;border:1px solid #555;border-radius:3px;max-width:100%}
        button{background:#12304f;color:#fff;border-color:#12304f;cursor:pointer}
        header button{background:transparent;border-color:#fff}
        .filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:flex-end}
        .filters p{margin:0}
        form.inline{display:inline-block;margin:2px 4px 2px 0}
        .muted{color:#555}
        @media (max-width:600px){main{padding:8px}.filters{display:block}.filters p{margin:0 0 8px}input,select{width:100%}
        th,td{padding:4px 3px;font-size:.95rem;min-width:6rem}}
        """

    static let layout = """
        <!doctype html>
        <html lang="{{language}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{title}} · {{l.console}}</title>
        <style>{{{style}}}</style>
        </head>
        <body>
        <a class="skip" href="#main">{{l.skip}}</a>
        {{#signedIn}}
        <header>
        <nav aria-label="{{l.console}}">
        <ul>
        <li><a href="/console/cases">{{l.cases}}</a></li>
        <li><a href="/console/outbox">{{l.outbox}}</a></li>
        <li><a href="/console/subscribers">{{l.subscribers}}</a></li>
        <li><a href="/console/silences">{{l.silences}}</a></li>
        <li><a href="/console/sources">{{l.sources}}</a></li>
        </ul>
        </nav>
        <form method="post" action="/console/logout">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">{{l.logout}}</button>
        </form>
        </header>
        {{/signedIn}}
        <main id="main">
        <h1>{{title}}</h1>
        {{#flash}}<p class="flash" role="status">{{flash}}</p>{{/flash}}
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{{body}}}
        </main>
        </body>
        </html>
        """

    static let login = """
        <p>{{l.login_intro}}</p>
        <form method="post" action="/console/login">
        <p><label for="token">{{l.token}}</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required></p>
        <p><button type="submit">{{l.sign_in}}</button></p>
        </form>
        """

    static let message = """
        <p>{{message}}</p>
        """

    /// The hidden fields every action form carries: the session's CSRF token and the page to come back to.
    static let actionFields = """
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="back" value="{{back}}">
        """
}
