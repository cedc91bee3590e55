"""Settings: embedded defaults < TOML file (--config / WUYE_CONFIG) < WUYE_SECTION__KEY env vars.

pydantic-settings reads and layers the sources; validation happens once at start-up, and every
error names the key and how to fix it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ENV_PREFIX = "WUYE_"


class ConfigError(Exception):
    """Raised with a message meant for the person starting the service."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ServerConfig(_Section):
    host: str = "127.0.0.1"
    port: int = 8080
    # WeChat gives up after 5 s; bodies beyond this are refused before parsing.
    max_body_bytes: int = 64 * 1024
    # Requests whose timestamp is further than this from now are replays.
    max_clock_skew_seconds: int = 300
    # Run the outbox worker inside `wuye serve` (off when separate `wuye worker`s run).
    embedded_worker: bool = True
    # Request-handling threads of `wuye serve` (waitress).
    threads: int = 8
    # A message's claim lasts this long: if the process handling it dies, WeChat's retry takes
    # it over once the claim has run out. Keep it under WeChat's 5 s retry interval.
    claim_lease_seconds: float = 4.0
    # A retry arriving while the first delivery still runs waits this long for its reply.
    retry_wait_seconds: float = 4.5
    # Handling that takes longer than this sends its reply as a customer-service message
    # (WeChat stops listening for the passive reply after 5 s).
    reply_budget_seconds: float = 4.0
    # On SIGTERM, requests in flight and the worker's claimed rows get this long to finish.
    drain_seconds: float = 10.0
    # Inbound messages are kept this many days (retries need minutes), then pruned.
    inbound_keep_days: int = 30


class WeChatConfig(_Section):
    appid: str = "wx0000000000000000"
    secret: str = "wuye-dev-secret"
    token: str = "wuye-dev-token"
    encoding_aes_key: str = ""
    mode: Literal["plain", "compat", "safe"] = "plain"
    api_base: str = "https://api.weixin.qq.com"
    timeout_seconds: float = 5.0
    # Template used for pushes outside the 48 h customer-service window (blank: text only).
    notify_template_id: str = ""

    @field_validator("api_base")
    @classmethod
    def _strip_slash(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")

    @model_validator(mode="after")
    def _check_keys(self) -> WeChatConfig:
        if not self.token.strip():
            raise ValueError("token is empty; set it or WUYE_WECHAT__TOKEN")
        if self.mode != "plain" and len(self.encoding_aes_key) != 43:
            raise ValueError(
                f"encoding_aes_key must be the 43 characters from the WeChat console when mode = "
                f"'{self.mode}' (got {len(self.encoding_aes_key)}); set it or WUYE_WECHAT__ENCODING_AES_KEY"
            )
        return self


class DatabaseConfig(_Section):
    url: str = "sqlite:///var/wuye.db"
    echo: bool = False


class RedisConfig(_Section):
    # Empty: the access token lives in process memory (fine for one process).
    url: str = ""


class WorkerConfig(_Section):
    poll_seconds: float = 2.0
    batch_size: int = 50
    max_attempts: int = 8
    backoff_base_seconds: float = 5.0
    backoff_max_seconds: float = 3600.0
    # A row claimed but not finished within this is considered abandoned by a crashed worker.
    lease_seconds: int = 120
    # Calls to WeChat's API in flight at once per worker: one hanging call holds one of these.
    send_concurrency: int = 8
    # A call that timed out waiting for WeChat's answer is tried again only after at least this
    # long (jittered up to twice as long): WeChat may have sent it, and a hanging API needs time.
    timeout_retry_seconds: float = 60.0


class CommunityConfig(_Section):
    name: str = "阳光花园"
    company: str = "安居物业"
    hotline: str = "0571-8888-6666"
    duty_phone: str = "138-0000-1234"
    office_hours: str = "08:30-18:00"
    office_location: str = "5栋1楼物业服务中心"
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone '{v}' (use an IANA name like Asia/Shanghai)"
            ) from exc
        return v

    @field_validator("office_hours")
    @classmethod
    def _hours(cls, v: str) -> str:
        parse_hours(v)
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SurveyConfig(_Section):
    delay_minutes: int = 120
    quiet_hours: str = "21:00-08:00"
    remind_after_hours: int = 24
    expire_after_hours: int = 72
    # After a score of 1-2, a supervisor must call the resident back within this many hours.
    recovery_hours: float = 2.0
    # "没修好" reopens a ticket done within this many days; older ones get a new ticket.
    reopen_within_days: int = 7

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str) -> str:
        if v.strip():
            parse_hours(v)
        return v


REPAIR_CATEGORIES = ("水电", "门窗", "电梯", "公共照明", "管道疏通", "燃气", "公共设施", "其他")


class TicketsConfig(_Section):
    # An unfinished repair form is dropped after this long without a message.
    form_ttl_minutes: int = 30
    # Not accepted within this → the supervisor is pushed (urgent tickets: the shorter one).
    accept_minutes: int = 30
    urgent_accept_minutes: int = 10
    # Not done within the category's hours → the manager is pushed. Keys: repair categories,
    # plus 投诉 (complaints) and 人工 (call-back requests).
    resolution_hours: dict[str, float] = {
        "水电": 24, "门窗": 48, "电梯": 4, "公共照明": 24, "管道疏通": 24, "燃气": 4,
        "公共设施": 72, "其他": 72, "投诉": 48, "人工": 4,
    }
    # A resident's 催单 reaches the assignee at most this often per ticket.
    nudge_interval_minutes: int = 10
    # Binding by chat: this many wrong room/phone tries lock binding for lock_minutes.
    bind_max_failures: int = 3
    bind_lock_minutes: int = 60
    # A photo a staff member sends within this long after 完成 is kept as proof of work.
    proof_photo_minutes: int = 30

    @field_validator("resolution_hours")
    @classmethod
    def _all_categories(cls, v: dict[str, float]) -> dict[str, float]:
        missing = [c for c in (*REPAIR_CATEGORIES, "投诉", "人工") if c not in v]
        if missing:
            raise ValueError(f"needs hours for {', '.join(missing)}")
        return v


class PushConfig(_Section):
    # WeChat template for the staff ticket card; blank = a customer-service text instead (which
    # reaches only staff who wrote to the account in the last 48 hours).
    staff_template_id: str = ""
    # Template keyword -> text, for a category-library template (see config.example.toml for the
    # templates these defaults match). Placeholders: {title} {number} {category} {place}
    # {description} {contact} {contact_phone} {preferred_time} {status} {urgent} {assignee} {time}.
    staff_template_fields: dict[str, str] = {
        "character_string1": "{number}", "thing2": "{title} {category}{urgent}", "thing3": "{place}",
        "thing4": "{description}", "thing5": "{contact} {preferred_time}",
    }
    # Template for residents when a customer-service text can't reach them (outside WeChat's
    # 48-hour window, or its 5 messages used up); blank = such pushes become dead letters.
    resident_template_id: str = ""
    resident_template_fields: dict[str, str] = {
        "character_string1": "{number}", "thing2": "{title}", "thing3": "{body}",
        "phrase4": "{status}", "time5": "{time}",
    }
    # Link opened from a template card; {number} is the ticket number, {photo} the handle of the
    # ticket's first kept photo, served at /media/{photo} (e.g. "https://your-host/media/{photo}";
    # a card without a photo then has no link). Blank = no link.
    detail_url: str = ""
    # How staff cards go: "template" (reaches staff whenever they last wrote) or "text" (a
    # customer-service text while their window allows, the template otherwise).
    staff_channel: Literal["template", "text"] = "template"

    @model_validator(mode="after")
    def _templates(self) -> PushConfig:
        _check_fields(("push", "staff_template_fields", "staff", self.staff_template_fields),
                      ("push", "resident_template_fields", "resident", self.resident_template_fields))
        return self


def _lines(found: list[str]) -> str:
    """Several problems as one message; _describe prefixes the first with `config: `."""
    first, *rest = found
    return "\nconfig: ".join([first.split("] ", 1)[-1], *rest])


def _check_fields(*mappings: tuple[str, str, str, dict[str, str]]) -> None:
    """Every problem in these template field mappings (section, key, whose template, mapping) at
    once, as one error."""
    from bot.outbound.templates import problems

    found = [p for m in mappings for p in problems(*m)]
    if found:
        raise ValueError(_lines(found))


class SubscribeConfig(_Section):
    # A subscribe-message (订阅通知) template for residents, from the public template library of a
    # verified service account; residents consent in an H5 page or an article (wx-open-subscribe),
    # never in chat. A push goes this way only when neither a customer-service text nor the
    # resident template can carry it, and only to residents who consented. Blank = not used.
    template_id: str = ""
    # Keyword -> text, as for [push] resident_template_fields (thing ≤ 20 characters, phrase ≤ 5 …).
    template_fields: dict[str, str] = {
        "character_string1": "{number}", "thing2": "{title}", "thing3": "{body}",
        "phrase4": "{status}", "time5": "{time}",
    }
    # "once": each accept allows one message (一次性订阅, what most accounts get); "long":
    # until the resident turns it off (长期订阅, only for public-service categories).
    kind: Literal["once", "long"] = "once"

    @model_validator(mode="after")
    def _fields(self) -> SubscribeConfig:
        _check_fields(("subscribe", "template_fields", "resident", self.template_fields))
        return self


class NoticeConfig(_Section):
    # Mass send by building tag (群发) needs a verified service account; unverified ones get
    # 48001, so by default every recipient gets their own message through the outbox.
    use_mass_send: bool = False
    # Template message for notices (reaches people outside the 48 h window); blank = a
    # customer-service text, which only reaches people who wrote to the account in the last 48 h.
    template_id: str = ""
    # Template keyword -> text; placeholders: {title} {body} {date} {until} {community} {time}.
    template_fields: dict[str, str] = {
        "thing1": "{title}", "thing2": "{body}", "time3": "{date}", "thing4": "{community}",
    }
    # Per-recipient messages are spread out at this many a minute (0 = all due at once).
    # WeChat allows 100,000 template messages a day per account by default and answers 45009
    # when a quota is used up; 600/min sends 10,000 residents in about 17 minutes.
    per_minute: int = 600
    # More recipients than this need an explicit confirmation (CLI --yes, chat "确认发送").
    confirm_over: int = 200
    # A notice without an end date is shown to residents who ask for this many days.
    show_days: int = 7
    # While building tags are created and filled, the send step looks again this often, and
    # after tag_wait_rounds looks it gives up on mass send and sends per person instead.
    tag_wait_seconds: int = 5
    tag_wait_rounds: int = 60
    # Tag name for a building's residents ({building} is the number).
    tag_name: str = "{building}栋住户"

    @model_validator(mode="after")
    def _template(self) -> NoticeConfig:
        _check_fields(("notice", "template_fields", "notice", self.template_fields))
        return self

    @field_validator("per_minute", "confirm_over", "show_days", "tag_wait_seconds", "tag_wait_rounds")
    @classmethod
    def _not_negative(cls, v: int) -> int:
        if v < 0:
            raise ValueError("must be 0 or more")
        return v


class LimitsConfig(_Section):
    # Per person (openid): at most this many messages a minute are handled; beyond that they get
    # a friendly "slow down" reply and no work is done for them.
    messages_per_minute: int = 20
    # At most this many new tickets per resident per hour (emergencies included: a flood of
    # urgent reports from one person is not a flood of emergencies).
    tickets_per_hour: int = 5
    # The same resident reporting the same fault again within this many minutes gets the ticket
    # already open for it, not a new one.
    same_fault_minutes: int = 30

    @field_validator("messages_per_minute", "tickets_per_hour", "same_fault_minutes")
    @classmethod
    def _positive(cls, v: int) -> int:
        if v < 1:
            raise ValueError("must be 1 or more")
        return v


# What each menu CLICK key does (bot/dialogue/menu_chat.py answers them).
MENU_KEYS = ("REPAIR", "MY_TICKETS", "FAQ", "CONTACT", "STAFF_TICKETS", "STAFF_HELP")


def _width(name: str) -> int:
    """WeChat measures menu names in bytes of its own: a Chinese character counts 2, ASCII 1."""
    return sum(1 if ord(ch) < 128 else 2 for ch in name)


class MenuButton(_Section):
    name: str
    key: str = ""  # a CLICK button: what it means (one of MENU_KEYS)
    url: str = ""  # a VIEW button: the page it opens
    sub: list[MenuButton] = []

    @model_validator(mode="after")
    def _one_action(self) -> MenuButton:
        where = f"button '{self.name}'"
        if not self.name.strip():
            raise ValueError("a button has no name")
        kinds = [k for k, v in (("key", self.key), ("url", self.url), ("sub", self.sub)) if v]
        if len(kinds) != 1:
            raise ValueError(f"{where} needs exactly one of key (a click), url (a page) or sub (a submenu)")
        if self.key and self.key not in MENU_KEYS:
            raise ValueError(f"{where}: unknown key '{self.key}'; known: {', '.join(MENU_KEYS)}")
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"{where}: url must start with https://")
        if len(self.sub) > 5:
            raise ValueError(f"{where} has {len(self.sub)} sub-buttons; WeChat allows 5")
        for b in self.sub:
            if b.sub:
                raise ValueError(f"button '{b.name}': WeChat menus have two levels only")
            if _width(b.name) > 16:
                raise ValueError(f"button '{b.name}' is too long for a submenu (8 Chinese characters at most)")
        return self


def _menu_problems(buttons: list[MenuButton], what: str) -> list[str]:
    out = []
    if not 1 <= len(buttons) <= 3:
        out.append(f"[menu] {what} has {len(buttons)} buttons; WeChat shows 1 to 3 (put more under a sub list)")
    out += [f"[menu] {what}: button '{b.name}' is too long for the menu bar (4 Chinese characters at most)"
            for b in buttons if _width(b.name) > 8]
    return out


class MenuConfig(_Section):
    # The custom menu `wuye menu push` sends (`wuye menu show` prints what WeChat has). Up to 3
    # buttons, each a click (key), a page (url) or up to 5 sub-buttons (sub).
    buttons: list[MenuButton] = [
        MenuButton(name="报修", key="REPAIR"),
        MenuButton(name="我的报修", key="MY_TICKETS"),
        MenuButton(name="更多", sub=[MenuButton(name="常见问题", key="FAQ"), MenuButton(name="联系物业", key="CONTACT")]),
    ]
    # A conditional menu for staff (everyone on the WeChat tag staff_tag); empty = none.
    staff_buttons: list[MenuButton] = [
        MenuButton(name="我的工单", key="STAFF_TICKETS"),
        MenuButton(name="帮助", key="STAFF_HELP"),
    ]
    staff_tag: str = "物业员工"

    @model_validator(mode="after")
    def _sizes(self) -> MenuConfig:
        found = _menu_problems(self.buttons, "buttons")
        if self.staff_buttons:
            found += _menu_problems(self.staff_buttons, "staff_buttons")
        if found:
            raise ValueError(_lines(found))
        return self


class MediaConfig(_Section):
    # Photos people send are downloaded here (WeChat deletes them after 3 days). A relative path
    # in a config file is relative to that file's folder.
    dir: str = "var/media"
    # "dir": the folder above; "s3": an S3-compatible bucket (AWS S3, MinIO, OSS, COS …) for
    # servers without a lasting disk. Credentials come from boto3's usual places
    # (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, an instance role), never this file.
    store: Literal["dir", "s3"] = "dir"
    s3_bucket: str = ""
    s3_prefix: str = "wuye/media/"  # keys are PREFIX + YYYY/MM/handle.jpg
    s3_endpoint: str = ""  # blank: AWS; e.g. "https://oss-cn-hangzhou.aliyuncs.com", "http://127.0.0.1:9000"
    s3_region: str = ""

    @model_validator(mode="after")
    def _bucket(self) -> MediaConfig:
        if self.store == "s3" and not self.s3_bucket:
            raise ValueError('[media] s3_bucket is empty while store = "s3"; set it or WUYE_MEDIA__S3_BUCKET')
        return self


class HumanConfig(_Section):
    # "转人工" within [community] office_hours passes the chat to the account's human agents
    # (客服: 公众号 → 客服功能, or a third-party 客服 system) by a transfer_customer_service reply.
    # Off, or outside office hours: an RG call-back ticket for the desk, as before.
    transfer_to_kf: bool = False


class NluConfig(_Section):
    # Empty: the FAQ shipped with wuye; otherwise a file imported at first start.
    faq_file: str = ""


class ConsoleConfig(_Section):
    # The web console (物业管理后台) under /console/ of the same app.
    enabled: bool = True
    # Signs the session cookie. Empty: one is generated once and kept in var/console_secret_key
    # (several gunicorn workers on one machine share that file; set it when they don't).
    secret_key: str = ""
    # Signed-in sessions end after this long without a request.
    idle_minutes: int = 120
    # A sign-in link (`wuye console link`, "后台" in chat) works once, within this many minutes.
    link_minutes: int = 10
    # The address people open the console at, e.g. https://wy.example.com (blank: [server] host:port).
    base_url: str = ""

    @field_validator("idle_minutes", "link_minutes")
    @classmethod
    def _positive(cls, v: int) -> int:
        if v < 1:
            raise ValueError("must be 1 or more")
        return v

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")


class _Sources:
    """Where one load_settings call reads from: a TOML file or none, and an environment."""

    def __init__(self, path: Path | None, environ: Mapping[str, str]) -> None:
        self.path, self.environ = path, environ


_LOADING: ContextVar[_Sources | None] = ContextVar("wuye_config_sources", default=None)


class _Environ(EnvSettingsSource):
    """The environment load_settings was given (tests pass their own) instead of os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._given = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {k.lower(): v for k, v in self._given.items()}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        extra="forbid", validate_assignment=True, env_prefix=ENV_PREFIX, env_nested_delimiter="__",
        case_sensitive=False,
    )

    server: ServerConfig = ServerConfig()
    wechat: WeChatConfig = WeChatConfig()
    database: DatabaseConfig = DatabaseConfig()
    redis: RedisConfig = RedisConfig()
    worker: WorkerConfig = WorkerConfig()
    community: CommunityConfig = CommunityConfig()
    survey: SurveyConfig = SurveyConfig()
    tickets: TicketsConfig = TicketsConfig()
    push: PushConfig = PushConfig()
    notice: NoticeConfig = NoticeConfig()
    subscribe: SubscribeConfig = SubscribeConfig()
    limits: LimitsConfig = LimitsConfig()


    media: MediaConfig = MediaConfig()
    menu: MenuConfig = MenuConfig()
    human: HumanConfig = HumanConfig()
    nlu: NluConfig = NluConfig()
    console: ConsoleConfig = ConsoleConfig()
    source: str = "embedded defaults"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest first. Built outside load_settings (a bare Settings()) it is the defaults only:
        # nothing is read from the process environment behind the caller's back.
        given = _LOADING.get()
        if given is None:
            return (init_settings,)
        sources: list[PydanticBaseSettingsSource] = [init_settings, _Environ(settings_cls, given.environ)]
        if given.path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=given.path))
        return tuple(sources)


def parse_hours(v: str) -> tuple[int, int]:
    """'21:00-08:00' -> minutes since midnight (start, end); the range may wrap midnight."""
    try:
        start, end = (part.strip() for part in v.split("-"))
        out = []
        for part in (start, end):
            h, m = part.split(":")
            hh, mm = int(h), int(m)
            if not (0 <= hh <= 24 and 0 <= mm < 60):
                raise ValueError
            out.append(hh * 60 + mm)
        return out[0], out[1]
    except ValueError:
        raise ValueError(f"'{v}' is not a time range like 08:30-18:00") from None


def _env_keys(environ: Mapping[str, str]) -> set[tuple[str, str]]:
    """(section, key) of every WUYE_SECTION__KEY variable, to say where a bad value came from."""
    keys = set()
    for name in environ:
        if name.upper().startswith(ENV_PREFIX) and "__" in name:
            section, _, key = name[len(ENV_PREFIX):].partition("__")
            keys.add((section.lower(), key.lower()))
    return keys


def _describe(err: dict[str, Any], env_keys: set[tuple[str, str]]) -> str:
    loc = [str(p) for p in err["loc"]]
    msg = str(err["msg"]).removeprefix("Value error, ")
    if len(loc) == 1:
        if err["type"] == "extra_forbidden":
            return f"config: unknown section [{loc[0]}]; known: " + ", ".join(
                f"[{s}]" for s in Settings.model_fields if s != "source"
            )
        return f"config: [{loc[0]}] {msg}"
    section, key = loc[0], loc[1]
    env = f"WUYE_{section.upper()}__{key.upper()}"
    where = f" (from {env})" if (section, key) in env_keys else ""
    if err["type"] == "extra_forbidden":
        model = Settings.model_fields[section].annotation
        known = ", ".join(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else ""
        return f"config: [{section}] has no key '{key}'{where}; known keys: {known}"
    if msg.startswith(key + " ") or "WUYE_" in msg:
        return f"config: [{section}] {msg}"
    return f"config: [{section}] {key}: {msg}{where}; fix it in the file or set {env}"


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Load and validate settings; raises ConfigError with every problem listed."""
    environ = dict(os.environ if environ is None else environ)
    path = path or environ.get("WUYE_CONFIG") or None
    file: Path | None = None
    if path:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(
                f"config: file {file} not found; pass --config PATH or unset WUYE_CONFIG"
            )
    env_keys = _env_keys(environ)
    sections = set(Settings.model_fields) - {"source"}
    for section, _key in sorted(env_keys):
        if section not in sections:
            raise ConfigError(f"config: unknown section [{section}]; known: "
                              + ", ".join(f"[{s}]" for s in Settings.model_fields if s != "source"))
    token = _LOADING.set(_Sources(file, environ))
    try:
        settings = Settings(source=str(file) if file else "embedded defaults")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config: {file} is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise ConfigError("\n".join(_describe(e, env_keys) for e in exc.errors())) from None
    finally:
        _LOADING.reset(token)
    if file is not None:
        _anchor_paths(settings, file.resolve().parent)
    return settings


def _anchor_paths(settings: Settings, folder: Path) -> None:
    """Relative paths in a config file mean "next to this file": the service manager's working
    directory is not the operator's."""
    url = settings.database.url
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        rest = url[len(prefix):]
        if rest and not rest.startswith(":memory:"):
            settings.database.url = prefix + str(folder / rest)
    if not Path(settings.media.dir).is_absolute():
        settings.media.dir = str(folder / settings.media.dir)
