"""The `wuye` command line (click), in the manner of Flask's own CLI: one group, with its
commands in modules named for what they work on."""

from __future__ import annotations

import logging

import click

from bot.cli import data, faq, nlu, run
from bot.cli.base import Obj
from bot.communities import cli as communities
from bot.console import cli as console
from bot.notices import cli as notices
from bot.people import cli as people
from bot.tickets import cli as tickets
from bot.wechat import menu_cli


@click.group()
@click.option(
    "--config",
    "config_path",
    envvar="WUYE_CONFIG",
    type=click.Path(dir_okay=False),
    help="TOML config file (default: embedded defaults; env WUYE_CONFIG).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug output.")
@click.version_option(package_name="wuye")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """wuye — the property company's WeChat assistant."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    from bot.redact import install_log_filter

    install_log_filter()
    ctx.obj = Obj(config_path)


for _module in (run, data, faq, communities, people, tickets, notices, console, menu_cli):
    for _name in _module.COMMANDS:
        main.add_command(getattr(_module, _name))
main.add_command(nlu.nlu_command, "nlu")
main.add_command(nlu.eval_command, "eval")
