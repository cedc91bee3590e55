"""通知公告 end to end: audiences, manager-only, dry run, confirmation, scheduling across two workers,
paced delivery with failures and resend, WeChat's job-finish events, mass send by building tag,
and residents asking -- on SQLite and (when it answers) PostgreSQL. Time is controlled, never slept."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlmodel import Session

from bot import notices, storage_clock_hint, wire  # noqa: F401
from bot.cli import main
from bot.delivery import deliver_due
from bot.jobs import run_due
from bot.wechat_api import make_client
from storage import houses
from storage.clock import utcnow
from storage.models import Job, Notice, NoticeBatch, NoticeDelivery, Outbox, Person, Ticket, WeChatTag
from tests.community import Community, install_clock, start_clock
