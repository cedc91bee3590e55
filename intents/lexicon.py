"""Keyword cues per intent: the parts of residents' Chinese that are regular.

A report of a fault names a broken state (漏水, 不亮, 堵了); a complaint blames
someone (没人管, 态度差, 乱停); a progress question points at an earlier ticket
(上次报修的…怎么样了). Each cue adds its weight to its intent; the understander
combines these with lexical and semantic evidence. Cues are patterns of the
language, not of any particular message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from intents.thresholds import PERMISSION_COMPLAINT_SHARE

Cue = tuple[re.Pattern[str], float]


def _cues(pairs: Iterable[tuple[str, float]]) -> tuple[Cue, ...]:
    return tuple((re.compile(p), w) for p, w in pairs)


# "不是报修 / 不是要投诉": the resident says what the message is NOT.
NEGATION = re.compile(r"(?:不是|并不是|并非|不算)(?:要|想|来)?(报修|维修|投诉|表扬|咨询|问问)")
NEGATED_INTENT = {"报修": "repair", "维修": "repair", "投诉": "complaint", "表扬": "praise"}

FAULT = (
    r"坏了|坏掉|坏的|损坏|不亮|不灵|失灵|漏水|渗水|滴水|漏雨|渗|漏了|漏电|漏气|不通|反水|返水|"
    # 滴 drips, but not doubled (滴滴 the taxi app, 嘀嘀) nor as the particle of 好滴/是滴;
    # 堵 blocks, but not as the measure word of a wall (那堵墙) nor in 堵车 (traffic)
    r"(?<![滴好是对])滴(?!滴)|(?<![一那这两几每半])堵(?![车墙])|"
    r"反味|返味|反臭|返臭|冒水|冒火花|火花|冒烟|跳闸|没电|没水|没声音|没反应|黑屏|打不着|点不着|"
    r"打不开|开不了|关不上|关不紧|关不严|合不上|转不动|推不动|拉不动|抬不起|升不上|降不下|摇不下|"
    r"卡住|卡死|卡在|夹人|夹手|掉了|掉下来|掉皮|脱落|松了|松动|断了|裂了|裂缝|碎了|破了|爆了|一闪一闪|"
    r"闪个不停|一直闪|一直亮|不灭|不工作|停了|不动了?|不热|不制冷|不出水|水压小|异响|怪声|"
    r"刷不开|刷不了|不好使|失效|故障|鼓包|发霉|起皮|积水|进水|吊着|歪了|晃|困人|被困|不转|"
    r"不显示|灭了|不落|落不下|塌|打火|拧不|"
    # a meter running with nothing on: "燃气表走得特别快 家里都没开火"
    r"表(?:走|跑|转|跳)得?(?:特别|很|太|飞|超|贼|老)?快|"
    # a device that will not stay put or acts by itself, with no fault word: "门关一半又弹开",
    # "自己响了", "时好时坏", "忽冷忽热" (not 我自己开 - the resident acting)
    r"[关开合]到?一半|又弹(?:开|回)|弹回来|(?<![我你他她])自己(?:开了|关了|响|跳|亮了|灭了|动了|停了)|"
    r"时好时坏|一会儿?好一会儿?(?:不好|坏)|忽冷忽热|忽明忽暗|忽大忽小|反复(?:开关|跳|重启|弹)"
)
# "V不C": the potential complement of a verb that no longer works ("拧不动", "冲不下去",
# "出不来"), a weaker sign than a named fault; idioms of the same shape are excluded
# (睡不着 and 受不了 complain, 听不懂 asks for a person, 对不起 apologises).
CANNOT = (
    r"(?![睡受忍听看说对差舍怪免少来了顾管靠用等起记找买吃])"
    r"[\u4e00-\u9fff]不(?:了|动|开|上|下|起|住|紧|严|着|亮|转|灵|落|掉|满|热|凉|干)"
)
REQUEST = (
    r"报修|我要修|想修|要修|修一下|修下|修修|来修|来看看|来看下|看一下|来通|通一下|来换|换一个|"
    r"派人|派个|派师傅|安排人|安排师傅|安排电工|师傅来|上门|赶紧修|尽快修|尽快处理|快来人|快来|"
    r"处理一下|帮忙看看|能来|过来看看"
)

CUES: dict[str, tuple[Cue, ...]] = {
    "repair": _cues(
        [
            (FAULT, 1.0),
            (REQUEST, 0.8),
            (CANNOT, 0.5),
            (r"^报修|报修[:：]|我想报修|我要报修", 1.0),
        ]
    ),
    "complaint": _cues(
        [
            (r"投诉|举报|曝光|(?<!\d)12345(?!\d)", 1.6),
            (r"没人(?:管|修|来|理|接|处理|清理|打扫|收拾)|不管|管不管|管一管|管管|有没有人管|到底有没有人|"
             r"什么服务|服务(?:太|真|也太)?差|态度(?:太|很|真|特别)?(?:差|恶劣|不好|冷漠)|爱答不理|不理人|"
             r"效率(?:也)?(?:太|真)?低|不作为|乱收费|乱要价|越来越差|失望|太差|太慢|敷衍|"
             # indignation: "受不了", "太离谱了", "还让不让人睡", "什么物业", "不认账"
             r"受不了|忍不了|离谱|过分|不像话|不认账|耍赖|推卸|踢皮球|让不让人|什么(?:物业|破|鬼)|"
             r"凭什么|不负责任|不讲理|气死|无语|(?<!不)靠不住|不靠谱|"
             # how staff treat residents: "说话太冲", "凶得很", "冲业主吼", "什么态度"
             r"说话(?:太|很|真|特别|好)?(?:冲|难听|凶|呛)|(?<!不)凶(?:得|的|巴巴|死)|[吼骂凶](?:人|业主|我)|"
             r"冲.{0,4}(?:吼|嚷|骂|发火)|不耐烦|甩脸|吆五喝六|呼来喝去|阴阳怪气|冷嘲热讽|爱理不理|摆(?:架子|脸色|臭脸)|(?:什么|啥|这)态度|爱搭不理|"
             # no better for all that is paid: "一点没见好", "根本没改善"
             r"(?:一点|丝毫|根本|也|都)(?:没|不)见?(?:好转|改善|改进|见好)|一点没见好|没见好|"
             # abuse and bad faith: "眼瞎吗", "嚣张", "害我白等", "乱扣费", "修了跟没修一样",
             # "也不说一声", "放鸽子", "糊弄", "爱住不住"
             r"眼瞎|瞎了吗|嚣张|害(?:得)?我|白等|白跑|乱(?:扣|罚|收)|跟没(?:修|弄|换|扫|管)一样|"
             r"(?:也|都)不(?:说|讲|通知)一声|不打招呼|放鸽子|爽约|糊弄|应付了事|偷工减料|爱住不住", 1.4),
            (r"吵|噪音|扰民|太大声|睡不着|休息不了|臭(?:死|得|气)|脏|乱七八糟|乱停|乱放|乱扔|乱堆|"
             r"乱丢|乱贴|随便进|随意进|占(?:了|用|满|着|道)|被.{0,4}占|堵(?:住了)?(?:消防|通道|门口)|消防通道|"
             r"高空抛物|扔下来|抽烟|烟味|不拴绳|不牵绳|玩手机|睡觉|差点|砸到|吓|不收拾|又坏|还坏|"
             r"三番五次|(?:第[二三四五六]|[两三四五]|好几|多)次|好几天|半个月|一个月了|天天|每天晚上|"
             r"半夜|打电钻|广场舞|养鸡|狗叫|油烟|枯了|挖了|种菜|偷|"
             # negligence: "鞋套都不穿", "连地都不扫", "扫个面子", "满地脚印", "年年涨"
             r"(?:都|也|从来)不(?:[穿戴扫拖清管理回关锁查问]|收拾|打扫|登记|检查)|不见(?:有)?人|找不到人|人影都没|不见人影|面子(?:工程|活)|扫个面子|"
             r"满地|一地|到处都是|年年涨|又涨|涨价|(?:全|都)是(?:灰|土|泥|垃圾|烟头|狗屎|屎)|一层灰|"
             r"[天周月年](?:了|都|也)?没(?:人)?(?:动|扫|清|管|修|理|拖)过?", 0.9),
            (r"(?:老是|总是|每次都|又|还是)(?:不|没)(?:在|来|管|理|回|接)", 0.6),
            # someone doing something to the resident's annoyance ("有人在楼道抽烟"),
            # not "有人来修吗" nor "有没有人"
            (r"(?<!没)有人(?:在|把|往|给|乱|随便|占|偷|扔|抽|遛|放|停|堆|种|养|跳|吵)", 0.6),
            # a neighbour's doing: "楼上往阳台倒水", "隔壁天天…", "对门老是…"
            (r"(?:楼上|楼下|隔壁|邻居|对门|对面)(?:的|家)?(?:人)?(?:往|把|在|天天|总是|老是|一直|又|整天)", 0.6),
            (r"(?:已经|都)[一两三四五六七八九十几\d]+[天周月]了?", 0.5),
        ]
    ),
    "praise": _cues(
        [
            (r"表扬|点赞|点个赞|赞一个|给.*点赞|锦旗|感谢信|好人好事|夸一下|夸夸|要夸", 1.8),
            (r"太感谢|非常感谢|特别感谢|十分感谢|(?:感谢|谢谢|多谢).{0,12}(?:师傅|保安|保洁|管家|物业|你们|阿姨|大爷|大哥|大姐|小哥)|谢谢你们", 1.0),
            (r"很专业|真专业|很负责|很热心|人太好|人很好|热心|态度(?:特别|很|非常|真)好|很及时|真及时|"
             r"干干净净|很干净|给力|辛苦你们|服务(?:很|真|特别|非常)好|好评|👍|满意|"
             # warm words about a person or a job ("太靠谱了", "很用心", "又快又好"), not
             # their negations (不靠谱, 不用心)
             r"(?<!不)靠谱|(?<!不)用心|贴心|暖心|感动|满分|五星|夸一下|夸夸|要夸|称赞|太棒|真棒|很棒|"
             r"又快又好|(?<!不)细心|(?<!不)耐心|周到|(?:真|大)?好人(?:啊|呀|哪)|(?:很|真|太|特别|非常)(?:及时|负责|敬业|利索|麻利)", 1.0),
            # things got better ("干净多了", "亮堂多了"), work done fast or well ("修得真快",
            # "效率杠杠的"), people thanked for their effort ("保洁阿姨们辛苦了")
            (r"(?:干净|整洁|亮堂|亮|舒服|安静|漂亮|好看|方便|敞亮|清爽|顺畅)(?:了)?(?:好|太|很)?多了|"
             r"(?:修|弄|来|处理|办|回复|回)得(?:真|很|太|特别|挺|超|好)?(?:快|及时|利索|漂亮|好)|"
             r"效率(?:真|很|太|特别|超|好)?(?:高|快)|杠杠的|没得说|没话说|(?<!不)错(?:嘛|哦|啊)|很不错|"
             r"(?:好|真|太|很)(?:漂亮|好看)|(?:师傅|保安|保洁|阿姨|管家|大哥|大姐|小哥|大爷|你们|大家)们?"
             r"(?:真|太|都|也)?辛苦(?:了|啦)", 1.0),
        ]
    ),
    "ticket_status": _cues(
        [
            (r"进度|进展|处理到哪|到哪一步|有结果|有回复|结果了吗|怎么样了|怎样了|处理了没|处理了吗|处理好了没|"
             r"(?<![保装])修(?:好了吗|好没|了没)|换了没|弄了没|派.{0,4}了没|派单|接单|什么时候(?:能)?来|"
             r"什么时候上门|还没到|还没来|怎么还没|人呢|人在哪|还来不来|来不来了|怎么还不来|"
             r"一直显示|待处理|工单号|(?:什么|啥)情况了|(?<!快递)(?<!运)(?<!订)(?<!物流)(?<!顺丰)(?<!京东)(?<!通)(?<!韵达)(?<!邮政)单号|状态|^我的(?:报修|维修|工单|投诉)", 1.4),
            (r"上次|昨天|前天|之前|刚才|上周|前几天|早上|我报的|我提交的|报的|提交的|反映的|投诉的|报修的|"
             r"维修单|报修单|投诉单|"
             r"我的(?:报修|维修|工单|投诉)", 0.6),
            # a promised visit that has not happened: "说好上午来的 人呢", "约好三点到 还来不来"
            (r"(?:说好|约好|讲好|答应|约的|说的|约了|不是说|说了)(?:了|的)?.{0,16}(?:来|到|上门|过来)", 0.9),
            # a ticket pointed at: "这个单子", or a ticket-like code (two letters and 9-12
            # digits, glued to the Chinese around it: "WY2411020003这个单子") in a message
            # that is not about a parcel (顺丰/快递 numbers look the same)
            (r"(?:这个|那个|这张|那张|我的|我那个)单子|"
             r"^(?!.*(?:快递|顺丰|京东|物流|韵达|圆通|中通|申通|邮政|EMS|运单|包裹)).*?"
             r"(?<![A-Za-z])[A-Za-z]{2}\d{9,12}(?!\d)", 0.9),
            # nothing heard since: "没下文", "没动静", "帮我问问"
            (r"没(?:有)?(?:下文|动静|消息|回音|回复|人回)|石沉大海|帮我(?:问问|问一下|催)", 0.9),
        ]
    ),
    "cancel_ticket": _cues(
        [
            (r"取消|撤销|撤回|撤了|撤掉|撤一下|撤下", 1.6),
            (r"不用(?:来|派|修|过来|上门)|不需要(?:来|修|派|上门)|不修了|不报了|别来了|不用了|"
             r"自己(?:修|弄|搞|通)好了|已经(?:修|弄)?好了|(?:自己|又)(?:就)?好了|搞错了|"
             r"(?:问题)?(?:已经)?解决了|(?:别|不用|不必)(?:再)?(?:跑(?:一趟)?|麻烦师傅|派人)|"
             r"(?:单子?|报修|维修|预约|工单|投诉)[^\s,。!?]{0,4}(?:不要了|关掉|关了|作废|不用(?:处理|跟进|弄)了?|不需要(?:处理)?了)|"
             # a message sent by mistake or a matter to drop: "发错了", "孩子乱发的", "不用管了"
             r"发错|误发|乱发|点错|手滑|先不(?:要|修|约|来)了|不约了|(?:不用|别|不必)(?:再)?(?:管|理)(?:了|它|这个)", 1.1),
        ]
    ),
    "notice_query": _cues(
        [
            (r"通知|公告|公示|告示", 1.4),
            (r"停水|停电|停气|断水|断电|停用|检修|限电|演练|消杀|打药", 0.8),
            # hearsay to be confirmed: "听说明天停电", "据说要换物业 是真的吗"
            (r"听(?:[^\s，。,]{0,6}?)说|据说|是真的吗|是不是真的", 0.6),
            # hearsay about a coming change ("听邻居说要换水表", "群里说要涨物业费"): an
            # announcement to confirm, not a policy question
            (r"(?:听[^\s，。,]{0,6}?说|据说|说是|群里(?:都)?(?:在)?说).{0,10}?要(?:换|改|涨|装|拆|停|调|上|搞|建|修|收)", 0.6),
            # a dated event's hours: "今天电梯保养到几点结束", "明天几点恢复"
            (r"(?:今天|明天|后天|这周|下周|周[一二三四五六日末]|礼拜[一二三四五六天]).{0,10}(?:结束|恢复|开始)|业主大会", 0.6),
            (r"最近|最新|这周|本周|下周|明天|今天|有没有|吗|安排|哪天|几号|哪几天", 0.2),
        ]
    ),
    "human": _cues(
        [
            # 人工 (a person) but not the compound nouns 人工费 (labour charge), 人工智能,
            # 人工湖, 人工草坪, 人工降雨, 人工呼吸
            (r"人工(?!费|成本|智能|湖|草|降|呼吸|合成|养殖|种植)|真人|活人|转接", 1.8),
            (r"客服|工作人员|经理|负责人|管家|领导|值班的|管理处|(?:能|可以)?做主的|说了算的|管事的", 0.7),
            (r"(?:联系|回电|打电话|打个电话|电话沟通|回个电话|打给我|给我打|联系我)", 0.5),
            (r"听不懂|别自动回复|机器人听不懂|跟人说", 1.2),
            # asking for a person instead of the bot: "找个人跟我说", "换个人", "不想跟机器人聊"
            (r"找(?:个|一个)?(?:真|活)?人(?:来)?(?:跟|和|给)我?(?:说|聊|谈|讲|沟通|解释)|"
             r"(?:跟|和)(?:真|活)?人(?:说|聊|谈|沟通|对话)|换(?:个|一个)人|"
             r"(?:不想|不要|不愿意|懒得)(?:再)?(?:跟|和)?机器|别(?:再)?(?:跟|和|让|用)机器|机器人?别|说不清", 1.2),
        ]
    ),
    "bind": _cues(
        [
            (r"绑定|綁定|认证|解绑|身份验证", 1.8),
            (r"家庭成员|房屋成员|绑(?:错|了|上|个|一下|好)|业主身份|住户身份|登记.{0,6}(?:住户|业主|身份)|房屋成员|加到.{0,8}(?:房屋|房子|家)|"
             r"添加.{0,6}(?:家人|成员)|"
             # "关联我家房号", "把房子跟公众号连上", "把我老公加进来", "添加成住户"
             r"关联|(?:加|添加|登记)(?:成|为|到)?.{0,4}(?:住户|家属|成员)|加进来|加进去|加上去|"
             r"(?:房子|房屋|房号|我家|房产).{0,10}(?:连上|连起来|连一起|挂上|挂到)|"
             r"(?:老公|老婆|爱人|媳妇|爸妈|父母|家人|孩子|儿子|女儿|租客|家属).{0,6}(?:加进|加上|添加|也加|加到)|"
             r"把(?:她|他|他们|她们)(?:也)?(?:加|添加)(?:上|进|到)|"
             r"房号.{0,4}(?:填错|写错|选错|弄错)|(?:填错|写错|选错|弄错)(?:了)?房号", 1.2),
            (r"我是.{0,12}业主", 0.5),
        ]
    ),
}

# What a property company looks after: the people, places and things of a residential
# estate. A message naming none of them is more likely out of scope.
DOMAIN = re.compile(
    r"物业|小区|业主|住户|租客|楼道|楼梯|单元|栋|楼上|楼下|隔壁|邻居|对门|电梯|车库|地库|车位|停车|"
    r"门禁|门岗|大门|保安|保洁|管家|师傅|维修|报修|工单|单子|投诉|前台|服务中心|绿化|草坪|垃圾|"
    r"快递|外卖|水电|燃气|煤气|水管|水表|电表|暖气|装修|搬家|钥匙|监控|充电桩|电动车|"
    r"门卫|岗亭|录像|道闸|物业费|缴费|交费|押金|门卡|人脸|访客|来访|地下室|下水|水箱|消防|"
    r"房号|公众号|小程序|停电|停水|停气|出入证|放行条|花坛|路灯|大堂|业委会|业主大会|"
    r"家里|我家|卫生间|厨房|阳台|客厅|卧室|屋里|房子|房号|楼顶|天花板|墙|门|窗|灯"
)

# Whole-message small talk: greetings, thanks, acknowledgements.
CHITCHAT_TOKEN = re.compile(
    r"你好|您好|hello|hi|嗨|哈喽|哈啰|在吗|在不在|在嘛|谢谢|多谢|感谢|谢啦|好的|好滴|好嘞|好吧|好|收到|ok|okay|"
    # greetings and wishes for a day or a holiday, in English too
    r"(?:新年|元旦|春节|中秋|端午|国庆|节日|圣诞|元宵|周末|劳动节|妇女节|母亲节|父亲节|儿童节)快乐|过年好|新年好|"
    r"恭喜发财|万事如意|身体健康|thanks|thank you|thx|bye|good morning|morning|good night|good evening|"
    r"麻烦(?:你|您)们?了|麻烦了|👍|嗯+|哦+|噢|喔|早上好|早安|早+(?:啊|呀)?|上午好|中午好|午安|下午好|晚上好|晚安|小助手|小助理|拜拜|再见|辛苦了|辛苦|哈+|呵+|"
    r"知道了|明白了?|了解|行吧|行|可以|没事了?|没(?:别的|其他|啥|什么)事了?|(?:那)?我?(?:先)?等着|没问题|懂了|👌|🙏|😊|😄|👋|啦|呀|啊|了|你们|你|的"
)
# Particles that decorate small talk but are not small talk on their own ("啊啊啊").
_PARTICLES = frozenset(("啦", "呀", "啊", "了", "你们", "你", "的"))
ABOUT_BOT = re.compile(
    r"你们?是(?:谁|机器人|真人|人工智能|ai|bot|人吗|真的人)|你们?叫什么|你会什么|你能做什么|"
    r"(?:机器人|ai|真人)还是(?:真人|机器人|ai)|是不是机器人|是机器人吗|"
    # a compliment to the bot itself: "你反应挺快", "你还挺聪明的嘛"
    r"你(?:还|也)?(?:挺|真|好|蛮|很|太)(?:聪明|厉害|快|可爱|有意思|机灵)|反应(?:挺|真|好|蛮|很|太)快"
)

# Marks of a question about how things work (the FAQ's job) rather than a report.
QUESTION = re.compile(
    r"怎么|如何|吗|多少|几点|哪里|哪儿|在哪|什么|能不能|可不可以|可以|要不要|需不需要|有没有|是否|"
    r"多久|几号|谁|咋办|怎么办|\?|还是|一般|规定|要求|手续|流程|收费|收钱|费用|应该|"
    # asking announced as such: 请问, 想问/问一下, 想知道/想了解, 打听, 咨询
    r"请问|想问|问一下|问下|想知道|想了解|打听|咨询|"
    # 几 + a measure word asks a number ("来几次", "要几天"), unlike 好几天 / 这几天 / 十几个
    r"(?<![好这那前过十没几一])几(?:天|个|次|年|月|周|分钟|小时|块|毛|层|栋|位|趟|回|遍|折)|"
    r"多长|多大|多远|多高|多重|"
    # "能…不 / 可以…不": the verb-not question, with 不 closing the clause
    r"[能可会要有是行].{0,12}不(?:[\s?。!,]|$)|"
    # clause-final 不 / 没(有) / 么 / 嘛 / 呢 close a yes-no question ("要付钱不", "有结果没",
    # "能修么"), except 我不 / 才不 (refusals) and 还没 / 都没 / 也没 (statements)
    r"(?<![我才就偏])不(?=[\s?。!,~]|$)|(?<![还都也从])没有?(?=[\s?。!,~]|$)|[么嘛](?=[\s?。!,~]|$)|"
    # 哪 asks where/which ("堆哪", "哪天", "哪个部门"), except 哪怕 (even if)
    r"哪(?!怕)|"
    # A-not-A: 修不修, 可以不可以, 同意不同意, 来没来
    r"([\u4e00-\u9fff])[不没]\1|([\u4e00-\u9fff]{2})不\2"
)
# An imperative request for a piece of information or a document is a question in all but
# form: "把你们前台座机号发我一下", "给我个维修电话", "地址告诉我", "给我开个放行条". The
# verb of giving/telling (给我/发我/告诉我/说一下/报一下) and the thing asked for (号码,
# 电话, 地址, 时间, 流程, 渠道 …, or a 条/证/票 to be issued) must both be there; "给我派个
# 师傅" or "给我接管家" name no information and stay what they are.
_INFO_THING = (
    r"(?:号码|电话|手机号|座机|联系方式|微信号?|地址|位置|时间|几点|流程|步骤|办法|方法|方式|"
    r"渠道|入口|链接|二维码|标准|价格|价目|收费|规定|要求|清单|材料|名单)"
)
_GIVE_ME = (r"(?:给我|发我|发给我|告诉我|跟我说|和我说|说一下|说下|讲一下|报一下|发一下|给一下|推给我|私我|"
            r"(?:给|发|来)(?:一)?个(?=$|[\s吧呗呀啊呢,。!?]))")
INFO_REQUEST = re.compile(
    rf"{_GIVE_ME}.{{0,8}}?{_INFO_THING}|{_INFO_THING}.{{0,6}}?{_GIVE_ME}|"
    # a document to be issued: 开(个/张)条子 / 放行条 / 证明 / 出入证
    r"开(?:个|张|一张|一个)?(?:条子|放行条|出门条|证明|出入证|通行证)|(?:让|要)[我咱]?开(?:个|张)?条"
)
# A headline-style query: a short noun phrase naming a topic and the kind of information
# wanted, with no verb of its own - "临停收费标准", "楼道保洁频次", "电梯保养周期",
# "门禁卡补办", "投诉渠道". Residents type these like search-box queries.
_INFO_HEAD = (
    rf"(?:{_INFO_THING}|频次|频率|周期|时段|时效|时限|期限|范围|条件|政策|规则|注意事项|"
    r"手续|费用?|补办|办理|申请|预约|登记|开通|注销|变更|怎么弄|咋弄|咋办)"
)
HEADLINE_QUERY = re.compile(rf"^[\u4e00-\u9fffA-Za-z0-9]{{1,10}}{_INFO_HEAD}[?？]?$")

# Policy / cost / procedure words that make a fault mention a question, not a report.
POLICY = re.compile(
    r"谁出|谁负责|谁承担|谁管|归.{0,6}管|收钱|收费|要钱|多少钱|费用|怎么办|应该|手续|规定|保修期|"
    r"一般多久|多久能|开发商|赔|找谁|该找|联系谁|问谁|归谁|谁(?:来)?(?:掏|付|出钱|买单|负责|承担)|付钱|花钱|掏钱|给钱|免费|要钱|"
    r"收不收|让不让|允不允许|准不准|收.{0,4}费"
)


def negated_intents(text: str) -> tuple[set[str], str]:
    """Intents the resident explicitly denies, and the text with the denial removed."""
    denied: set[str] = set()
    for m in NEGATION.finditer(text):
        intent = NEGATED_INTENT.get(m.group(1))
        if intent:
            denied.add(intent)
    return denied, NEGATION.sub(" ", text)


# A ticket word that is the object of a cancellation ("投诉不要了", "取消报修", "报修的单子撤了")
# names the ticket being withdrawn, not a new complaint or repair.
_TICKET_WORD = r"(?:报修|维修|投诉|工单|预约)"
CANCELLED_TICKET = re.compile(
    rf"{_TICKET_WORD}(?=[^\s,。!?]{{0,6}}(?:取消|撤|不要了|关掉|关了|作废|不用(?:处理|管|来|跟进|弄)了?|不需要(?:处理)?了))|"
    rf"(?<=取消|撤销|撤回)(?:我的|那个|一下|掉)?{_TICKET_WORD}"
)
# A ticket word that only qualifies a noun ("投诉电话", "报修渠道", "维修的流程") names
# the way to make a report, which is an FAQ question, not a report being made.
MODIFYING_TICKET = re.compile(rf"{_TICKET_WORD}(?=的?{_INFO_THING})")


# A permission question about the resident's own conduct, asked at the end of the
# message: "带狗出去不牵绳行不行", "鞋架放楼道里可以吗", "…算违规吗". A fault or nuisance
# word inside it ("不牵绳", "放楼道") describes what the resident means to do, not a
# grievance, so the complaint cues count for half. Not when the message addresses the
# staff ("你们师傅到底行不行", "管一下行不行": a challenge or a demand, i.e. a complaint).
PERMISSION_QUESTION = re.compile(
    r"(?:行不行|可不可以|可以不可以|让不让|允不允许|准不准|行吗|可以吗|允许吗|违规吗|算违规不)"
    r"[吧啊呀呢吗]?[?？。!！\s]*$"
)
# A question about the rules, asked in the last clause: "楼上半夜还在跺脚 小区有规定几点后要
#安静吗", "邻居狗天天叫 养狗有什么规矩没". The nuisance before it is why the resident asks;
# what they ask is the rule (an FAQ), so the complaint cues count for half, as for a
# permission question - again not when the message addresses the staff ("你们管不管").
RULE_QUESTION = re.compile(
    r"(?:有|什么|啥|哪些|没)(?:没有)?(?:明确的?|具体的?)?(?:规定|规矩|要求|说法)"
    r"[^\s,，。!！]{0,14}(?:吗|么|嘛|没有?|不|呢|[?？])?[吧啊呀]?[?？。!！\s]*$"
)
ADDRESSES_STAFF = re.compile(r"你们|物业|管家|保安|师傅|管一下|管管|处理一下")


def cue_scores(text: str) -> dict[str, float]:
    scores: dict[str, float] = {}
    withdrawn = MODIFYING_TICKET.sub("办事", CANCELLED_TICKET.sub("单", text))
    for intent, cues in CUES.items():
        t = text if intent == "cancel_ticket" else withdrawn
        total = sum(w for pattern, w in cues if pattern.search(t))
        if total:
            scores[intent] = total
    asks_rule = PERMISSION_QUESTION.search(text) or RULE_QUESTION.search(text)
    if "complaint" in scores and asks_rule and not ADDRESSES_STAFF.search(text):
        scores["complaint"] *= PERMISSION_COMPLAINT_SHARE
    return scores


def is_small_talk(text: str) -> bool:
    if ABOUT_BOT.search(text):
        return True
    words = [w for w in CHITCHAT_TOKEN.findall(text) if w not in _PARTICLES]
    rest = re.sub(r"[\s\W_]+", "", CHITCHAT_TOKEN.sub("", text))
    return rest == "" and bool(words)
