"""Everything that leaves the process: outbox rows, the jobs that are due, and the worker that
delivers both. It imports no domain; domains register through `bot.domains.install_all`."""
