"""The baseline for the webhook benchmark: Flask + a signature check + a fixed reply, nothing else.

It answers the same requests, through the same gunicorn settings, as `bot.app:create_app()`;
the difference between the two is what wuye's own work (parse, dedupe insert, NLU, reply) costs.
Gunicorn entry: `bench.bare_app:create_app()`.
"""

from __future__ import annotations

import os

from flask import Flask, Response, request
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

# A fixed passive text reply, roughly the size of a real FAQ answer, so both apps send similar bytes.
REPLY = (
    "<xml><ToUserName><![CDATA[resident]]></ToUserName>"
    "<FromUserName><![CDATA[gh_wuye]]></FromUserName>"
    "<CreateTime>0</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[收到，这是基准测试的固定回复。]]></Content></xml>"
)


def create_app(token: str | None = None) -> Flask:
    # Same env var as wuye's config, so one environment signs requests valid for both apps.
    token = token or os.environ.get("WUYE_WECHAT__TOKEN", "wuye-dev-token")
    app = Flask("wuye-bench-bare")

    @app.post("/wechat")
    def receive() -> Response:
        args = request.args
        try:
            check_signature(
                token, args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", "")
            )
        except InvalidSignatureException:
            return Response("bad signature", status=403, mimetype="text/plain")
        # Read the body as the real webhook does, so the baseline pays for receiving it too.
        request.get_data(cache=False)
        return Response(REPLY, status=200, mimetype="application/xml")

    return app
