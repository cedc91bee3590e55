"""Read an answer to "请为本次服务打分 (1-5)": a rating, and whether words came with it.

Residents answer in every shape: "5", "伍", "肆分", "打5分吧", "⭐⭐⭐", "4️⃣", "挺好挺好",
"不怎么样", "not bad", and most often a score with a remark before or after it ("4 师傅挺准时的",
"谢谢师傅 修得很好 5"). The reader looks for an explicit score first (a number the resident gave,
stars), then for words that judge the service, each with the degree words around it; a
question or an acknowledgement ("好嘞", "收到") is not a rating.

The word scale (the team's convention):
  5  非常满意 很满意 特别好 完美 五星 满分 好评 great
  4  满意 挺好 不错 很好 可以 good / not bad
  3  还行 一般 凑合 还可以 基本满意
  2  不太满意 不怎么样 不好 不满意
  1  很不满意 太差 非常差 差评 terrible
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from intents.normalize import normalize_surface
from intents.numerals import NUMERAL_CHARS, chinese_to_int

# ---------------------------------------------------------------- explicit scores

_CN = "一二两三四五壹贰叁肆伍"  # the numerals a 1-5 score is written with
_CN_ANY = f"[{NUMERAL_CHARS}]+"
# A score with its unit: "5分", "打五分", "肆分", "4星", "四颗星", "10分" (out of ten), "100分".
# "十分满意" is a degree word ("very"), not ten points: 十分 followed by words is excluded.
_WITH_UNIT = re.compile(
    rf"(?<![\d.])(\d{{1,3}}|{_CN_ANY})\s*(?:分(?![钟之])|颗?星|颗?⭐|★|stars?\b|points?\b|pts\b)"
)
# "3/5", "4/5分", "4 out of 5", "8/10"
_OUT_OF = re.compile(r"(?<![\d.])(\d{1,2})\s*(?:/|out of|of)\s*(5|10)(?!\d)")
# "满分10分", "总分5分": the scale, not the answer
_SCALE = re.compile(r"(?:满分|总分|最高|out of)\s*$")
# "扣一星", "减了一分", "少给一颗星": points taken off, not the score
_DEDUCTION = re.compile(r"(?:扣|减|少给?|差)了?\s*$")
# "⭐x5", "★×4"
_STAR_TIMES = re.compile(r"[⭐★🌟]\s*[x×*]\s*([1-5])(?!\d)")
# English numbers: "Five stars", "four", "3 out of five"
_EN_NUMBERS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "ten": "10"}
_EN_NUMBER = re.compile(r"\b(" + "|".join(_EN_NUMBERS) + r")\b(?=\s*(?:stars?|points?|out of|/|$))|(?<=out of )(five|ten)\b")
# Spellings of the same words (Cantonese and internet): 唔 = 不, 阔以 = 可以, 俩 = 两个
_SURVEY_SPELLINGS = (("唔", "不"), ("阔以", "可以"), ("麻麻哋", "一般"), ("麻麻地", "一般"), ("俩", "两"), ("仨", "三"))
# A number standing alone (start or end of the message, or between spaces/punctuation),
# not a count of something ("修了3次", "等了2小时", "5栋") nor an ordinal ("第3次").
_UNIT_AFTER = "次天日号楼栋幢座层单元室点个人块元钟小周月年遍趟回米岁位套间台件把下"
_BARE_DIGIT = re.compile(rf"(?<![\d.第/])([0-5])(?![\d.:/]|[{_UNIT_AFTER}])")
_BARE_CN = re.compile(rf"(?:^|(?<=[\s,.!。、~;]))([{_CN}])(?=$|[\s,.!。、~;吧啊哈呀]|[分星])")
_STAR = re.compile(r"[⭐★🌟]")
_KEYCAP = "\u20e3"

# ---------------------------------------------------------------- words

# Degree words that lift a judgement to the end of the scale, before or after it.
_UP = r"(?:非常|特别|十分|超级|超|太|相当|极其|极|贼|巨|忒|老|最|无比|真的是|实在)+"
_UP_AFTER = r"(?:极了|得很|得不得了|死了|爆了|透了|到家了|到爆)"
# "不太满意", "不是很好": a softened no.
_SOFT_NO = r"(?:不太|不大|不是很|不是太|不是特别|不怎么|不算|不够|不很|没那么|没有那么)"
# "很不满意", "一点也不好": a hard no.
_HARD_NO = rf"(?:{_UP}不|很不|一点[也都儿]?不|完全不|根本不|真不)"
_GOOD = r"(?:满意|好|行|可以|给力|靠谱|到位|专业|负责|理想)"


@dataclass(frozen=True)
class _Word:
    pattern: re.Pattern[str]
    score: int
    # VERDICT: on the service as a whole (满意, 好评, 一般); when it comes with other words, it
    # is the rating. GENERIC: praise or blame that says nothing more (很好, 太差). REMARK: a
    # point about the work (准时, 专业), which is a comment as well as a judgement.
    kind: str


VERDICT, GENERIC, REMARK = "verdict", "generic", "remark"


def _words(score: int, kind: str, *patterns: str) -> list[_Word]:
    return [_Word(re.compile(p), score, kind) for p in patterns]


# Every judgement a resident writes; overlapping matches are settled by the longest one, so
# "不太满意" beats "满意", "not bad" beats "bad", "还不错" beats "不错".
_WORDS: tuple[_Word, ...] = tuple(
    _words(1, VERDICT,
           rf"{_HARD_NO}{_GOOD}", r"差评|零分|负分|0分|一星差评", r"非常失望|很失望|太失望|失望透顶|极度失望",
           r"\bterrible\b|\bawful\b|\bhorrible\b|\bvery (?:bad|poor|unsatisfied|dissatisfied)\b|\bworst\b",
           r"\bnot satisfied at all\b|👎")
    + _words(1, GENERIC,
             rf"(?:{_UP}|很|好)(?:差|烂|糟糕?)(?:劲)?(?:了|啊|呀)?", rf"(?:差|烂|糟)(?:劲)?{_UP_AFTER}",
             r"差劲|垃圾|糟糕|糟透|烂透|恶劣|极差|稀烂|一塌糊涂|坑人|不靠谱|(?<![破腐])烂(?!尾)|😡|😠|🤬|💢")
    + _words(2, VERDICT,
             rf"{_SOFT_NO}{_GOOD}", r"不满意|不怎么样|不咋地|不咋样|不好(?!意思)|不行(?![吗么])",
             r"\bnot (?:good|satisfied|great|happy|ok|okay)\b|\bunsatisfied\b|\bdissatisfied\b|\bbad\b|\bpoor\b",
             r"有点失望|失望|很一般|太一般|非常一般|不太行|不咋滴|不咋的|差点意思|差了点|差一点|差点儿|不满(?!意)|"
             r"不(?:太|够|是很)?理想|不到位|不专业|不负责")
    + _words(2, GENERIC,
             r"(?:比较|有点|有些|挺|蛮)差", r"(?<![出相温误偏落时])差(?![不点一价额距别事异些])")
    + _words(3, VERDICT,
             r"还行|还可以|比较一般|还好(?![吗么像])|一般般|一般(?!多久|多长|什么|要|都|是|来说|情况)|凑合|马马虎虎|过得去|将就|"
             r"中规中矩|就那样|及格|普普通通|普通|基本满意|还凑合|差不多吧?|说得过去|勉强|还成|还算可以|差强人意|一般化|"
             r"(?<![\u4e00-\u9fff])中(?![\u4e00-\u9fff])",
             r"\bso[- ]?so\b|\baverage\b|\bjust (?:ok|okay|fine)\b|\bfine\b|\bokay-ish\b|\bmeh\b")
    + _words(5, VERDICT,
             rf"(?:{_UP}|很|好)满意", rf"满意{_UP_AFTER}", r"完美|满分|好评|一百分|无可挑剔|没得说|没话说|超赞|点赞|赞+|👍|💯",
             r"\bvery (?:good|satisfied|nice|happy)\b|\bexcellent\b|\bperfect\b|\bgreat\b|\bawesome\b|\bamazing\b|"
             r"\bfantastic\b|\bwonderful\b|\boutstanding\b")
    + _words(5, GENERIC,
             rf"{_UP}(?:好|棒|不错|给力|靠谱|专业|负责|到位)", rf"(?:好|棒|不错|给力){_UP_AFTER}", r"(?:很|真|好)棒",
             r"棒棒哒?|一级棒|倍儿棒|棒呆|没得挑|没的说|优秀|(?:太|真|好)厉害|(?:太|真|好|很)牛|牛逼|nb|yyds|绝绝子|"
             r"(?<![\u4e00-\u9fff])牛(?![\u4e00-\u9fff])")
    + _words(4, VERDICT,
             r"(?:挺|蛮|比较|还算|还是|都|也|还|算|真)?满意", r"(?<![\u4e00-\u9fff])(?:挺|蛮|都|也)?(?:可以)+(?:的|啦|吧|了|呀|啊|哦)*(?![\u4e00-\u9fff])", r"良好",
             r"\bgood\b|\bnice\b|\bnot bad\b|\bsatisfied\b|\bhappy\b|\bpretty good\b|\bthumbs up\b")
    + _words(4, GENERIC,
             r"(?:挺|蛮|很|比较|还算|真|都|也)好(?![吗么像久几多奇看用])", r"得(?:很|挺|蛮|比较|真)?好", r"(?:挺|很|还|真|蛮|也)?不错",
             r"棒|没毛病|没问题|不差|不赖|到位|厉害|给力|几好|(?<![\u4e00-\u9fff])好好(?![\u4e00-\u9fff])|(?<=服务)好好")
    + _words(4, REMARK,
             r"(?<!不)(?:挺|很|蛮|比较)?(?:给力|靠谱|专业|负责|认真|耐心|热情|细心|及时|准时|利索|麻利)")
)

# ---------------------------------------------------------------- not a rating

# "好嘞", "收到", "ok": the resident acknowledges the message; the score is still to come.
_ACK = re.compile(
    r"^(?:好+|好的|好嘞|好滴|好哒|好吧|好了|嗯+|嗯嗯|哦+|噢+|恩+|收到|收到了|知道了|明白|明白了|了解|晓得了|行|行吧|"
    r"ok|okay|k|好的谢谢|谢谢|谢谢你|谢谢师傅|谢了|感谢|辛苦了|辛苦|多谢|哈+|呵呵|👌|🙏|👌🏻)[\s,.!。~]*$"
)
# A question instead of a rating.
_QUESTION_WORD = re.compile(r"什么|怎么(?!样)|为什么|哪|几[点时天号个分星颗]|多少|能不能|可不可以|是不是|有没有|要不要|吗|么$")
_QUESTION_END = re.compile(r"(?:[?]|吗|么)[\s.!。~]*$")
# Complaints about the work that come without a score are still comments.
_FEEDBACK = re.compile(r"没修好|修不好|还没|又坏|又漏|烦|差|慢|迟到|没人|态度|乱|贵|脏|不行|评什么")
# What is left once the rating is taken out that is only filler, not a comment.
_FILLER = re.compile(
    r"谢谢|谢了|感谢|多谢|辛苦了|辛苦|师傅们?|服务|整体|总体|总的来说|修得|修的|干得|做得|弄得|感觉|觉得|真心|都不想给|不想给|\bjob\b|\bservice\b|\bok\b|得|你们|我|就|吧|了|啊|呀|哈|哦|嗯|的|呢|啦|吗|给|打|评|个|分|星|颗|满意|"
    r"[\s\d,.。!?~、…:;\"'“”()（）⭐★☆🌟👍👎💯\u20e3]"
)
_COMMENT_MIN_CHARS = 2
_CLAUSE_BREAK = re.compile(r"[\s,.!?;。、~:]+")


def _score_of(token: str, out_of_ten: bool) -> int | None:
    n = int(token) if token.isdigit() else chinese_to_int(token)
    if n is None:
        return None
    if n == 0:
        return 1
    if 1 <= n <= 5:
        return n
    if out_of_ten and n <= 10:
        return math.ceil(n / 2)  # "8分" of ten
    if out_of_ten and n == 100:
        return 5
    return None


def _clause_around(t: str, start: int, end: int) -> tuple[str, str]:
    """The text of the clause a match sits in: before it and after it."""
    left = _CLAUSE_BREAK.split(t[:start])[-1]
    right = _CLAUSE_BREAK.split(t[end:])[0]
    tail = t[end:].split("\n")[0]
    return left, right if not re.match(r"\s*[?]", tail) else right + "?"


def _asked(t: str, start: int, end: int) -> bool:
    """Whether the words at t[start:end] sit in a question ("满意吗", "打5分吗", "怎么评5分")."""
    left, right = _clause_around(t, start, end)
    if _QUESTION_END.search(right) or (not right and _QUESTION_END.match(t[end:])):
        return True
    if re.match(r"\s*几[分星颗]", t[end:]):  # "满分几分"
        return True
    return bool(_QUESTION_WORD.search(left.replace("不怎么", "")))


def _explicit(t: str) -> tuple[int, list[tuple[int, int]]] | None:
    """A score the resident gave in so many points or stars, and where it was written."""
    found: list[tuple[int, int, int, int]] = []  # (priority, start, end, score)
    for m in _WITH_UNIT.finditer(t):
        token = m.group(1)
        if token.startswith("十") and m.group(0).endswith("分") and re.match(r"[\u4e00-\u9fff]", t[m.end():m.end() + 1]):
            continue  # 十分满意
        score = _score_of(token, out_of_ten=m.group(0).endswith("分"))
        if score is not None:
            found.append((0, m.start(), m.end(), score))
    # "满分10分" names the scale, "扣一星" a deduction: neither is the answer
    found = [f for f in found if not _SCALE.search(t[: f[1]]) and not _DEDUCTION.search(t[: f[1]])]
    for m in _OUT_OF.finditer(t):
        n, scale = int(m.group(1)), int(m.group(2))
        if n <= scale:
            score = max(1, n if scale == 5 else math.ceil(n / 2))
            # "4 out of 5" is one score, not a 4 and a 5
            found = [f for f in found if f[2] <= m.start() or f[1] >= m.end()]
            found.append((0, m.start(), m.end(), score))
    for m in _STAR_TIMES.finditer(t):
        found.append((0, m.start(), m.end(), int(m.group(1))))
    stars = list(_STAR.finditer(t))
    if stars and not found:
        found.append((1, stars[0].start(), stars[-1].end(), min(5, len(stars))))
    if not found:
        taken = [(s, e) for _, s, e, _ in found]
        for m in _BARE_DIGIT.finditer(t):
            if not any(s <= m.start() < e for s, e in taken):
                found.append((2, m.start(), m.end(), max(1, int(m.group(1)))))
        for m in _BARE_CN.finditer(t):
            score = _score_of(m.group(1), out_of_ten=False)
            if score is not None:
                found.append((2, m.start(), m.end(), score))
    found = [f for f in found if not _asked(t, f[1], f[2])]
    if not found:
        return None
    best = min(f[0] for f in found)
    chosen = [f for f in found if f[0] == best]
    # "5 5 5" repeats one score; different bare numbers: the last one is the answer
    score = chosen[-1][3]
    return score, [(s, e) for _, s, e, _ in found]


def _judgements(t: str) -> list[tuple[int, int, _Word]]:
    """Every judgement word in t, the longest winning where two overlap, in text order."""
    matches = [(m.start(), m.end(), w) for w in _WORDS for m in w.pattern.finditer(t) if m.end() > m.start()]
    matches.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
    kept: list[tuple[int, int, _Word]] = []
    for s, e, w in matches:
        if all(e <= ks or s >= ke for ks, ke, _ in kept):
            kept.append((s, e, w))
    return sorted(kept, key=lambda x: x[0])


def _verbal(t: str) -> tuple[int, list[tuple[int, int]]] | None:
    found = [(s, e, w) for s, e, w in _judgements(t) if not _asked(t, s, e)]
    if not found:
        return None
    verdicts = [f for f in found if f[2].kind == VERDICT] or found
    s, e, w = verdicts[0]
    scores = {fw.score for _, _, fw in verdicts}
    # "满意满意 非常满意", "不满意，很差": the same way round said more strongly
    if all(x >= 4 for x in scores) or all(x <= 2 for x in scores):
        s, e, w = max(verdicts, key=lambda f: abs(f[2].score - 3))
    return w.score, [(s, e)]


def _has_words(t: str, spans: list[tuple[int, int]]) -> bool:
    """Whether anything but the rating, filler and bare praise or blame is left."""
    rest = list(t)
    for s, e in spans:
        rest[s:e] = [" "] * (e - s)
    # "非常满意👍👍", "挺好挺好", "5分 非常好": a clause of nothing but praise or blame is no
    # comment, but "师傅很专业" or "师傅人不错，就是修完没打扫" are
    bare = list(t)
    for s, e, w in _judgements(t):
        if w.kind != REMARK:
            bare[s:e] = [" "] * (e - s)
    pos = 0
    for clause in _CLAUSE_BREAK.split(t):
        start = t.index(clause, pos) if clause else pos
        end = pos = start + len(clause)
        if clause and not _FILLER.sub("", "".join(bare[start:end])):
            rest[start:end] = [" "] * (end - start)
    return len(_FILLER.sub("", "".join(rest))) >= _COMMENT_MIN_CHARS


def read_survey_answer(text: str) -> tuple[int | None, bool]:
    """(rating 1-5 or None, whether the resident also wrote a comment)."""
    t = normalize_surface(text).lower().replace(_KEYCAP, "")
    for spelling, word in _SURVEY_SPELLINGS:
        t = t.replace(spelling, word)
    t = _EN_NUMBER.sub(lambda m: _EN_NUMBERS[m.group(1) or m.group(2)], t)
    if not t:
        return None, False
    if _ACK.match(t):
        return None, False
    reading = _explicit(t) or _verbal(t)
    if reading is None:
        return None, bool(_FEEDBACK.search(t))
    score, spans = reading
    return score, _has_words(t, spans)
