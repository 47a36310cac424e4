"""The words of the reports in English and Chinese (zh_CN): one table, so the domain needs no Qt.

The Chinese names of categories, families, states and classifications are those
the window shows (assets/translations/console_zh_CN.ts), so a printed report and
the warning pane speak alike.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "Labels", "labels"]

LANGUAGES = ("zh_CN", "en")

_EN = {
    "title": "Shift report",
    "journal": "Journal",
    "range": "From {start} to {end}",
    "zone": "Times in {zone}",
    "made": "Made {time}",
    "drill": "DRILL: this journal records a drill, not live operations",
    "raised": "Alarms raised",
    "closed": "Alarms closed",
    "open": "Still open at the end of the range",
    "overdue": "Overdue dispatches",
    "overdue_rule": "A dispatch is overdue when its alarm is not closed by the handling deadline it was given "
                    "at dispatch (by level); a dispatch recorded without deadlines, when not closed within {limit} "
                    "of the first dispatch.",
    "false_share": "False-alarm share by category",
    "noisiest": "Noisiest sensors",
    "noisiest_rule": "Annunciations: raises, re-activations, escalations and returns from shelf or service "
                     "that called for an acknowledgement in the range.",
    "actions": "Operator actions",
    "by_operator": "Actions by operator",
    "outages": "Source outages",
    "outages_unknown": "This journal does not record the status of sources, so their outages cannot be "
                       "reported from it.",
    "no_alarms": "No alarms in this range.",
    "none_raised": "No alarms were raised in this range.",
    "none_closed": "No alarms were closed in this range.",
    "none_open": "No alarm was open at the end of the range.",
    "none_overdue": "No dispatch was overdue.",
    "none_false": "No alarm was closed in this range, so there is no false-alarm share.",
    "none_noisy": "No sensor annunciated in this range.",
    "none_actions": "No operator action in this range.",
    "family": "Family",
    "category": "Category",
    "total": "Total",
    "alarm": "Alarm",
    "sensor": "Sensor",
    "level": "Level",
    "state": "State",
    "district": "District",
    "raised_at": "Raised",
    "dispatched_to": "Dispatched to",
    "unit": "Unit",
    "dispatched_at": "Dispatched",
    "dispatched_by": "By",
    "due": "Due",
    "closed_at": "Closed",
    "not_closed": "not closed",
    "closed_count": "Closed",
    "false_count": "False alarms",
    "share": "Share",
    "annunciations": "Annunciations",
    "alarms": "Alarms",
    "time": "Time",
    "operator": "Operator",
    "action": "Action",
    "detail": "Detail",
    "until": "until {time}",
    "previous": "taking over from {name}",
    "colon": ": ",
    "separator": "; ",
    "hours": "{n} h",
    "minutes": "{n} min",
    "seek_forward": "skipped {start} to {end}: {raised} alarms raised ({levels}), {reactivated} reactivated, "
                    "{escalated} escalated, {returned} returned to normal, {cap} CAP warnings, "
                    "{offline} offline reports",
    "seek_back": "went back from {start}, resumed at {end}; {undone} later operator actions undone",
}

_ZH = {
    "title": "值班报告",
    "journal": "日志",
    "range": "自 {start} 至 {end}",
    "zone": "时间为 {zone}",
    "made": "生成于 {time}",
    "drill": "演练：本日志记录的是演练，而非实际值守",
    "raised": "新发报警",
    "closed": "已关闭报警",
    "open": "时段结束时仍未关闭",
    "overdue": "超时未办结的派发",
    "overdue_rule": "报警未在派发时按级别确定的办结时限内关闭即为超时；未记录时限的派发，自首次派发起{limit}内未关闭即为超时。",
    "false_share": "各类别误报比例",
    "noisiest": "报警最频繁的传感器",
    "noisiest_rule": "报警次数：本时段内需要确认的新发、再次触发、升级以及解除搁置或恢复使用。",
    "actions": "值班员操作",
    "by_operator": "各值班员操作数",
    "outages": "数据源中断",
    "outages_unknown": "本日志不记录数据源状态，因此无法据此报告数据源中断。",
    "no_alarms": "本时段内无报警。",
    "none_raised": "本时段内无新发报警。",
    "none_closed": "本时段内无关闭的报警。",
    "none_open": "时段结束时无未关闭的报警。",
    "none_overdue": "无超时的派发。",
    "none_false": "本时段内无关闭的报警，无误报比例。",
    "none_noisy": "本时段内无传感器报警。",
    "none_actions": "本时段内无值班员操作。",
    "family": "大类",
    "category": "类别",
    "total": "合计",
    "alarm": "报警",
    "sensor": "传感器",
    "level": "级别",
    "state": "状态",
    "district": "区",
    "raised_at": "发生时间",
    "dispatched_to": "派发至",
    "unit": "单位",
    "dispatched_at": "派发时间",
    "dispatched_by": "派发人",
    "due": "时限",
    "closed_at": "关闭时间",
    "not_closed": "未关闭",
    "closed_count": "关闭数",
    "false_count": "误报数",
    "share": "比例",
    "annunciations": "报警次数",
    "alarms": "报警数",
    "time": "时间",
    "operator": "值班员",
    "action": "操作",
    "detail": "详情",
    "until": "至 {time}",
    "previous": "接替 {name}",
    "colon": "：",
    "separator": "；",
    "hours": "{n}小时",
    "minutes": "{n}分钟",
    "seek_forward": "跳过 {start} 至 {end}：新发报警{raised}条（{levels}），再次触发{reactivated}条，升级{escalated}条，"
                    "恢复正常{returned}条，CAP预警{cap}条，离线报告{offline}条",
    "seek_back": "自 {start} 回退，于 {end} 继续；其后的值班员操作{undone}项已撤销",
}

_NAMES = {
    "en": {
        "category": {
            "gas": "Gas", "water_supply": "Water supply", "drainage": "Drainage", "bridge": "Bridge",
            "heating": "Heating", "power": "Power", "utility_tunnel": "Utility tunnel", "rainfall": "Rainfall",
            "water_level": "Water level", "waterlogging": "Waterlogging", "hazmat": "Hazmat",
        },
        "family": {"lifeline": "Lifeline", "flood": "Flood", "hazmat": "Hazmat"},
        "state": {
            "normal": "Cleared", "unack": "Unacknowledged", "ack": "Acknowledged",
            "rtn_unack": "Returned, unacknowledged", "shelved": "Shelved", "out_of_service": "Out of service",
        },
        "classification": {"handled": "Handled", "false_alarm": "False alarm", "test": "Test",
                           "duplicate": "Duplicate"},
        "action": {
            "acknowledge": "Acknowledge", "shelve": "Shelve", "unshelve": "Unshelve", "note": "Note",
            "dispatch": "Dispatch", "close": "Close", "out_of_service": "Out of service",
            "in_service": "Back in service", "shift_start": "Shift start", "drill_seek": "Drill clock moved",
        },
    },
    "zh_CN": {
        "category": {
            "gas": "燃气", "water_supply": "供水", "drainage": "排水", "bridge": "桥梁", "heating": "供热",
            "power": "电力", "utility_tunnel": "综合管廊", "rainfall": "降雨", "water_level": "水位",
            "waterlogging": "内涝积水", "hazmat": "危化品",
        },
        "family": {"lifeline": "生命线", "flood": "防汛", "hazmat": "危化品"},
        "state": {
            "normal": "已恢复", "unack": "未确认", "ack": "已确认", "rtn_unack": "已恢复未确认",
            "shelved": "已搁置", "out_of_service": "已停用",
        },
        "classification": {"handled": "已处置", "false_alarm": "误报", "test": "测试", "duplicate": "重复"},
        "action": {
            "acknowledge": "确认", "shelve": "搁置", "unshelve": "取消搁置", "note": "备注", "dispatch": "派发",
            "close": "关闭", "out_of_service": "停用", "in_service": "恢复使用", "shift_start": "交接班",
            "drill_seek": "演练时钟跳转",
        },
    },
}  # fmt: skip

_LEVEL = {"en": "Level {roman}", "zh_CN": "{roman}级"}


class Labels:
    """The report's words in one language; an unknown name (a category of another city) shows as it is."""

    def __init__(self, language: str):
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
        self.language = language
        self._text = _ZH if language == "zh_CN" else _EN
        self._names = _NAMES[language]

    def __getitem__(self, key: str) -> str:
        return self._text[key]

    def name(self, kind: str, key: str | None) -> str:
        """The word for ``key`` of a ``kind`` (category, family, state, classification, action)."""
        if key is None:
            return ""
        return self._names[kind].get(key, key)

    def pair(self, label: str, value: str) -> str:
        """``label: value``, with the colon of the language (full-width in Chinese)."""
        return f"{label}{self['colon']}{value}"

    def level(self, roman: str) -> str:
        return _LEVEL[self.language].format(roman=roman) if roman else ""

    def duration(self, ms: int) -> str:
        minutes = round(ms / 60_000)
        if minutes % 60 == 0:
            return self["hours"].format(n=minutes // 60)
        return self["minutes"].format(n=minutes)


def labels(language: str) -> Labels:
    return Labels(language)
