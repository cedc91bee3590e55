"""The web console (物业管理后台) under /console/: server-rendered pages for staff, supervisors
and managers, on the same domain code the chat uses (ticket moves, surveys, notices, FAQ import).

`setup.install(app, services)` registers it; `links` issues the one-time sign-in links."""
