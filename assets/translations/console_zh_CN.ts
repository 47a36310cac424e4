<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AcknowledgeDialog</name>
    <message>
        <location filename="../../console/ui/alarm_pane/bulk.py" line="24"/>
        <source>Acknowledge {n} alarms</source>
        <translation>确认 {n} 条报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/bulk.py" line="26"/>
        <source>Acknowledge {n} alarms in {districts}?</source>
        <translation>确认{districts}的 {n} 条报警？</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/bulk.py" line="27"/>
        <source>Acknowledge {n} alarms?</source>
        <translation>确认这 {n} 条报警？</translation>
    </message>
</context>
<context>
    <name>AlarmCue</name>
    <message>
        <location filename="../../console/ui/cue.py" line="185"/>
        <source>New level {level} alarm: {sensor}</source>
        <translation>新的 {level} 级报警：{sensor}</translation>
    </message>
    <message>
        <location filename="../../console/ui/cue.py" line="187"/>
        <source>(+{n} more)</source>
        <translation>（另有 {n} 条）</translation>
    </message>
    <message>
        <location filename="../../console/ui/cue.py" line="233"/>
        <source>Alarm sound muted: {time} left</source>
        <translation>报警声音已静音：还剩 {time}</translation>
    </message>
</context>
<context>
    <name>AlarmDispatch</name>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="18"/>
        <source>unit ack</source>
        <translation>单位确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="20"/>
        <source>on site</source>
        <translation>到场</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="21"/>
        <source>handled</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="37"/>
        <source>{step} in {time}</source>
        <translation>{step}剩余 {time}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="38"/>
        <source>OVERDUE {step} +{time}</source>
        <translation>超时 {step} +{time}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="46"/>
        <source>{step} by {time}</source>
        <translation>{step}须在 {time} 前</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="48"/>
        <source>Deadlines: {deadlines}</source>
        <translation>时限：{deadlines}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="50"/>
        <source>Dispatch note: {note}</source>
        <translation>派发说明：{note}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="52"/>
        <source>Unit acknowledged at {time} (recorded by {operator})</source>
        <translation>单位于 {time} 确认（{operator} 记录）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="55"/>
        <source>Unit on site at {time} (recorded by {operator})</source>
        <translation>单位于 {time} 到场（{operator} 记录）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="60"/>
        <source>Escalated to the supervisor: {steps} overdue</source>
        <translation>已上报值班长：{steps}超时</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="67"/>
        <source>OVERDUE: alarm {alarm} {sensor} — {unit}: {step} due {ago} ago</source>
        <translation>超时：报警 {alarm} {sensor} — {unit}：{step}已超时 {ago}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="71"/>
        <source>; escalated to the supervisor</source>
        <translation>；已上报值班长</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/countdown.py" line="73"/>
        <source>(+{n} more overdue)</source>
        <translation>（另有 {n} 条超时）</translation>
    </message>
</context>
<context>
    <name>AlarmHistoryDialog</name>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="78"/>
        <source>Closed alarm history</source>
        <translation>已关闭报警历史</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="93"/>
        <source>Part of a sensor id</source>
        <translation>监测点编号的一部分</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="96"/>
        <source>All districts</source>
        <translation>全部行政区</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="100"/>
        <source>All classifications</source>
        <translation>全部分类</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="104"/>
        <source>Who acknowledged, dispatched or closed it</source>
        <translation>确认、派发或关闭该报警的人</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="110"/>
        <source>Closed between:</source>
        <translation>关闭时间：</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="111"/>
        <source>Sensor:</source>
        <translation>监测点：</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="112"/>
        <source>District:</source>
        <translation>行政区：</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="113"/>
        <source>Classification:</source>
        <translation>分类：</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="114"/>
        <source>Operator:</source>
        <translation>值班员：</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="115"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="143"/>
        <source>Closed</source>
        <translation>关闭时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="143"/>
        <source>Sensor</source>
        <translation>监测点</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="143"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="144"/>
        <source>District</source>
        <translation>行政区</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="144"/>
        <source>Peak</source>
        <translation>最高级别</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="144"/>
        <source>Raised</source>
        <translation>报警时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="145"/>
        <source>Classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="145"/>
        <source>Closed by</source>
        <translation>关闭人</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="145"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="167"/>
        <source>The console runs without a journal: there is no history to search.</source>
        <translation>控制台未使用日志：没有可搜索的历史。</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="171"/>
        <source>The search must end after it starts.</source>
        <translation>搜索的结束时间必须晚于开始时间。</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="201"/>
        <source>The newest {n} closed alarms; narrow the search to see older ones</source>
        <translation>最新的 {n} 条已关闭报警；缩小搜索范围可查看更早的报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/history/dialog.py" line="204"/>
        <source>{n} closed alarms</source>
        <translation>{n} 条已关闭报警</translation>
    </message>
</context>
<context>
    <name>AlarmLevel</name>
    <message>
        <location filename="../../console/ui/live.py" line="145"/>
        <source>particularly serious</source>
        <translation>特别重大</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="146"/>
        <source>serious</source>
        <translation>重大</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="147"/>
        <source>relatively serious</source>
        <translation>较大</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="148"/>
        <source>general</source>
        <translation>一般</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="150"/>
        <source>Level {roman} ({meaning})</source>
        <translation>{roman}级（{meaning}）</translation>
    </message>
</context>
<context>
    <name>AlarmListModel</name>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="19"/>
        <location filename="../../console/ui/briefing/alarm_table.py" line="68"/>
        <location filename="../../console/ui/briefing/alarm_table.py" line="73"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="20"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="21"/>
        <location filename="../../console/ui/briefing/alarm_table.py" line="73"/>
        <source>Sensor</source>
        <translation>监测点</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="22"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="23"/>
        <location filename="../../console/ui/briefing/alarm_table.py" line="74"/>
        <source>District</source>
        <translation>行政区</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="24"/>
        <source>Value / threshold</source>
        <translation>监测值 / 阈值</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="25"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="26"/>
        <source>Unit</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="27"/>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="176"/>
        <source>rate</source>
        <translation>变化率</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="384"/>
        <source>chattering</source>
        <translation>频繁跳变</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="463"/>
        <source>Alarm {alarm} · rule {rule}</source>
        <translation>报警 {alarm} · 规则 {rule}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="464"/>
        <source>(peak)</source>
        <translation>（峰值）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="470"/>
        <source>Acknowledged by {operator} at {time}</source>
        <translation>{operator} 于 {time} 确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="473"/>
        <source>Shelved by {operator} until {time}: {reason}</source>
        <translation>{operator} 搁置至 {time}：{reason}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="476"/>
        <source>Dispatched to {unit} by {operator} at {time}</source>
        <translation>{operator} 于 {time} 派发至 {unit}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="480"/>
        <source>Chattering: consider shelving it</source>
        <translation>频繁跳变：建议搁置</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="504"/>
        <source>{u} of {n} unacknowledged</source>
        <translation>{n} 条中 {u} 条未确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="513"/>
        <source>{n} units</source>
        <translation>{n} 个单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="327"/>
        <source>Incident #{incident}: {n} alarms; click ▸ to expand</source>
        <translation>事件 #{incident}：{n} 条报警；点击 ▸ 展开</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="388"/>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="458"/>
        <source>Sensor fault {alarm} · rule {rule}: the sensor is {fault}</source>
        <translation>设备故障 {alarm} · 规则 {rule}：监测设备{fault}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="460"/>
        <source>For the maintenance unit {unit}; not a process alarm</source>
        <translation>交维护单位 {unit} 处理；不属于险情报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/table_model.py" line="468"/>
        <source>Rule check: {reason}</source>
        <translation>规则判定：{reason}</translation>
    </message>
</context>
<context>
    <name>AlarmPane</name>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="67"/>
        <source>Handled</source>
        <translation>已处置</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="68"/>
        <source>False alarm</source>
        <translation>误报</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="69"/>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="70"/>
        <source>Duplicate</source>
        <translation>重复</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="79"/>
        <source>All but shelved</source>
        <translation>全部（不含搁置）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="80"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="81"/>
        <source>Needing acknowledgement</source>
        <translation>待确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/chips.py" line="30"/>
        <source>Show or hide {level} alarms</source>
        <translation>显示或隐藏{level}报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="117"/>
        <source>Alarms annunciated in the last 10 minutes; more than {n} is an alarm flood (EEMUA 191)</source>
        <translation>最近 10 分钟报出的报警数；超过 {n} 条即为报警泛滥（EEMUA 191）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="149"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="150"/>
        <source>Acknowledge the selected alarms</source>
        <translation>确认所选报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="151"/>
        <source>Shelve…</source>
        <translation>搁置…</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="151"/>
        <source>Hide the selected alarms for a while</source>
        <translation>暂时搁置所选报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="152"/>
        <source>Unshelve</source>
        <translation>取消搁置</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="153"/>
        <source>Note…</source>
        <translation>备注…</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="153"/>
        <source>Add a note to the selected alarms</source>
        <translation>为所选报警添加备注</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="154"/>
        <source>Dispatch…</source>
        <translation>派发…</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="155"/>
        <source>Send the selected alarms to the responsible unit</source>
        <translation>将所选报警派发给责任单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="156"/>
        <source>Close…</source>
        <translation>关闭…</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="156"/>
        <source>Close the selected alarms</source>
        <translation>关闭所选报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="157"/>
        <source>Next alarm</source>
        <translation>下一条报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="158"/>
        <source>Select the next alarm awaiting acknowledgement</source>
        <translation>选择下一条待确认报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="159"/>
        <source>Previous alarm</source>
        <translation>上一条报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="160"/>
        <source>Select the previous alarm awaiting acknowledgement</source>
        <translation>选择上一条待确认报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="166"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="168"/>
        <source>{family} (all)</source>
        <translation>{family}（全部）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="174"/>
        <location filename="../../console/ui/alarm_pane/pane.py" line="243"/>
        <source>All districts</source>
        <translation>全部行政区</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="179"/>
        <source>Search id, name, district, unit</source>
        <translation>搜索编号、名称、行政区、单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="294"/>
        <source>Unacknowledged: {n}</source>
        <translation>未确认：{n}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="299"/>
        <source>Shelved: {n}</source>
        <translation>已搁置：{n}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="300"/>
        <source>Listed: {shown} lines of {open} open</source>
        <translation>列出 {shown} 行（未关闭报警 {open} 条）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="310"/>
        <source>Alarm rate: {n} / 10 min</source>
        <translation>报警频率：{n} 条 / 10 分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="312"/>
        <source>ALARM FLOOD</source>
        <translation>报警泛滥</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/pane.py" line="390"/>
        <source>The drill&apos;s view is provisional after a far seek: alarm actions wait until the index reaches this moment.</source>
        <translation>远距离跳转后演练视图为临时状态：索引到达此时刻前暂不能进行报警操作。</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/chips.py" line="57"/>
        <source>Sensor faults (stuck or chattering sensors) for their maintenance units: not process alarms, not in the level counts or the alarm rate. Check to list them instead of the alarms</source>
        <translation>设备故障（数值卡滞或频繁跳变的监测设备），交维护单位处理：不属于险情报警，不计入各级报警数和报警频率。选中后列表改为显示设备故障</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/chips.py" line="64"/>
        <source>Sensor faults: {n}</source>
        <translation>设备故障：{n}</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/chips.py" line="66"/>
        <source>({n} new)</source>
        <translation>（{n} 条新）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="89"/>
        <source>stuck</source>
        <translation>数值卡滞</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="90"/>
        <source>chattering</source>
        <translation>频繁跳变</translation>
    </message>
</context>
<context>
    <name>AlarmState</name>
    <message>
        <location filename="../../console/ui/live.py" line="128"/>
        <source>Cleared</source>
        <translation>已恢复</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="129"/>
        <source>Unacknowledged</source>
        <translation>未确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="130"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="131"/>
        <source>Returned, unacknowledged</source>
        <translation>已恢复未确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="132"/>
        <source>Shelved</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="133"/>
        <source>Out of service</source>
        <translation>已停用</translation>
    </message>
</context>
<context>
    <name>Briefing</name>
    <message>
        <location filename="../../console/ui/briefing/page.py" line="135"/>
        <source>{zone}, feed clock (not the real time)</source>
        <translation>{zone}，回放时钟（非实际时间）</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/page.py" line="194"/>
        <source>console {version} · made {time}</source>
        <translation>console {version} · 生成于 {time}</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/legend.py" line="40"/>
        <source>Map layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/legend.py" line="45"/>
        <source>Warning levels</source>
        <translation>预警等级</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/legend.py" line="115"/>
        <source>… and {n} more layers</source>
        <translation>…… 另有 {n} 个图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/content.py" line="131"/>
        <source>Situation briefing of a drill replay</source>
        <translation>演练回放态势简报</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/content.py" line="132"/>
        <source>Situation briefing</source>
        <translation>态势简报</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/window.py" line="21"/>
        <source>PDF, A4 landscape (*.pdf)</source>
        <translation>PDF，A4 横向 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/window.py" line="22"/>
        <source>PDF, A3 landscape (*.pdf)</source>
        <translation>PDF，A3 横向 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/window.py" line="23"/>
        <source>PNG image, 16:9 (*.png)</source>
        <translation>PNG 图片，16:9 (*.png)</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/window.py" line="47"/>
        <source>Export briefing</source>
        <translation>导出简报</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/window.py" line="60"/>
        <source>Briefing not written</source>
        <translation>简报未写出</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/window.py" line="62"/>
        <source>Briefing written: {path}</source>
        <translation>简报已写出：{path}</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/alarm_table.py" line="30"/>
        <source>Active alarms</source>
        <translation>当前报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/alarm_table.py" line="34"/>
        <source>{level}: {count}</source>
        <translation>{level}：{count}</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/alarm_table.py" line="35"/>
        <source>Level {roman}</source>
        <translation>{roman}级</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/alarm_table.py" line="64"/>
        <source>No active alarms</source>
        <translation>当前无报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/alarm_table.py" line="69"/>
        <source>Since</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/alarm_table.py" line="120"/>
        <location filename="../../console/ui/briefing/impact_block.py" line="90"/>
        <location filename="../../console/ui/briefing/impact_block.py" line="99"/>
        <source>… and {n} more</source>
        <translation>…… 另有 {n} 条</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/sources.py" line="17"/>
        <source>{name} ({kind}), no data yet</source>
        <translation>{name}（{kind}），尚无数据</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/sources.py" line="20"/>
        <source>{name} ({kind}), latest data {time}, {age} before</source>
        <translation>{name}（{kind}），最新数据 {time}，早于本图 {age}</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/sources.py" line="23"/>
        <source> (not current)</source>
        <translation>（非最新）</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/sources.py" line="32"/>
        <source>Data sources: {sources}</source>
        <translation>数据来源：{sources}</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/sources.py" line="34"/>
        <source>No data sources</source>
        <translation>无数据来源</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/sources.py" line="36"/>
        <source>{reporting} of {total} sensors reporting</source>
        <translation>{total} 个监测点中 {reporting} 个在报数</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/build.py" line="26"/>
        <source>recorded feed</source>
        <translation>录制数据</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/build.py" line="27"/>
        <source>recorded feed, drill</source>
        <translation>录制数据，演练</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/build.py" line="28"/>
        <source>journal</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/build.py" line="29"/>
        <source>drill journal</source>
        <translation>演练日志</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/inset.py" line="25"/>
        <source>Overview</source>
        <translation>全市概览</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="67"/>
        <source>Impact of {sensor} {name}</source>
        <translation>{sensor} {name} 影响分析</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="75"/>
        <source>Radius {radius}</source>
        <translation>影响半径 {radius}</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="77"/>
        <source>, initial isolation {isolation}</source>
        <translation>，初始隔离 {isolation}</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="85"/>
        <source>Source: {source}</source>
        <translation>依据：{source}</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="91"/>
        <source>Facilities inside: {count}</source>
        <translation>范围内设施：{count} 处</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="92"/>
        <source>{people} people</source>
        <translation>{people} 人</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="95"/>
        <source>{name} ({kind})</source>
        <translation>{name}（{kind}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="102"/>
        <source>Valves to close: {count}</source>
        <translation>需关闭阀门：{count} 个</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="105"/>
        <source>pipes cut off {length}</source>
        <translation>停供管段 {length}</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="109"/>
        <source>Supply cut off: {count} facilities, {people} people</source>
        <translation>停供设施 {count} 处，涉及 {people} 人</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="116"/>
        <source>Nearest units by road</source>
        <translation>最近救援力量（按道路距离）</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/impact_block.py" line="121"/>
        <source>{distance} · {minutes} min</source>
        <translation>{distance} · {minutes} 分钟</translation>
    </message>
</context>
<context>
    <name>CapLevel</name>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="44"/>
        <source>no level</source>
        <translation>无级别</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="45"/>
        <source>Red</source>
        <translation>红色</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="45"/>
        <source>Orange</source>
        <translation>橙色</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="46"/>
        <source>Yellow</source>
        <translation>黄色</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="46"/>
        <source>Blue</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="47"/>
        <source>{colour} (level {roman})</source>
        <translation>{colour}（{roman}级）</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="53"/>
        <source>from the CAP severity</source>
        <translation>依据CAP严重程度</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="55"/>
        <source>from the colour word in the message</source>
        <translation>依据预警信息中的颜色词</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="57"/>
        <source>from the message&apos;s colour parameter</source>
        <translation>依据预警信息的颜色参数</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="58"/>
        <source>the message gives no level</source>
        <translation>预警信息未给出级别</translation>
    </message>
</context>
<context>
    <name>CapPublisher</name>
    <message>
        <location filename="../../console/ui/cap_publish.py" line="35"/>
        <source>&amp;Publish as CAP…</source>
        <translation>发布为CAP预警(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/cap_publish.py" line="36"/>
        <source>Write the selected alarm as a CAP 1.2 alert for other departments</source>
        <translation>将所选报警写成CAP 1.2预警，供其他部门接收</translation>
    </message>
    <message>
        <location filename="../../console/ui/cap_publish.py" line="37"/>
        <source>Publish the &amp;incident as CAP…</source>
        <translation>将事件发布为CAP预警(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/cap_publish.py" line="39"/>
        <source>Write the incident of the selected alarm, with its footprint, as a CAP 1.2 alert</source>
        <translation>将所选报警所属事件（含其影响范围）写成CAP 1.2预警</translation>
    </message>
    <message>
        <location filename="../../console/ui/cap_publish.py" line="73"/>
        <source>is not in the warning pane&apos;s book any more</source>
        <translation>已不在报警列表中</translation>
    </message>
    <message>
        <location filename="../../console/ui/cap_publish.py" line="85"/>
        <source>belongs to no incident</source>
        <translation>不属于任何事件</translation>
    </message>
    <message>
        <location filename="../../console/ui/cap_publish.py" line="112"/>
        <source>Not published</source>
        <translation>未发布</translation>
    </message>
    <message>
        <location filename="../../console/ui/cap_publish.py" line="115"/>
        <source>Select an alarm in the warning pane first.</source>
        <translation>请先在报警列表中选择一条报警。</translation>
    </message>
    <message>
        <location filename="../../console/ui/cap_publish.py" line="125"/>
        <source>Publish as CAP 1.2</source>
        <translation>发布为CAP 1.2预警</translation>
    </message>
    <message>
        <location filename="../../console/ui/cap_publish.py" line="134"/>
        <source>CAP {kind} {identifier} written to {path}</source>
        <translation>CAP {kind} {identifier} 已写入 {path}</translation>
    </message>
</context>
<context>
    <name>Category</name>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="36"/>
        <source>Gas</source>
        <translation>燃气</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="37"/>
        <source>Water supply</source>
        <translation>供水</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="38"/>
        <source>Drainage</source>
        <translation>排水</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="39"/>
        <source>Bridge</source>
        <translation>桥梁</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="40"/>
        <source>Heating</source>
        <translation>供热</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="41"/>
        <source>Power</source>
        <translation>电力</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="42"/>
        <source>Utility tunnel</source>
        <translation>综合管廊</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="43"/>
        <source>Rainfall</source>
        <translation>降雨</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="44"/>
        <source>Water level</source>
        <translation>水位</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="45"/>
        <source>Waterlogging</source>
        <translation>内涝积水</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="46"/>
        <location filename="../../console/ui/alarm_pane/labels.py" line="59"/>
        <source>Hazmat</source>
        <translation>危化品</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="57"/>
        <source>Lifeline</source>
        <translation>生命线</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/labels.py" line="58"/>
        <source>Flood</source>
        <translation>防汛</translation>
    </message>
</context>
<context>
    <name>ClipDialog</name>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="154"/>
        <location filename="../../console/ui/clip_dialog.py" line="192"/>
        <source>Export clip</source>
        <translation>导出回放动画</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="164"/>
        <source>{n} min</source>
        <translation>{n}分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="167"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="173"/>
        <source>From</source>
        <translation>起</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="174"/>
        <source>To</source>
        <translation>止</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="175"/>
        <source>Step</source>
        <translation>步长</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="176"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="182"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="193"/>
        <source>Animated GIF (*.gif);;Animated WebP (*.webp)</source>
        <translation>GIF 动画 (*.gif);;WebP 动画 (*.webp)</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="212"/>
        <source>Making the clip…</source>
        <translation>正在生成动画…</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="217"/>
        <source>Frame {done} of {total}</source>
        <translation>第 {done} 帧，共 {total} 帧</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="224"/>
        <location filename="../../console/ui/clip_dialog.py" line="225"/>
        <source>Clip written: {path}</source>
        <translation>动画已写出：{path}</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="227"/>
        <source>Cancelled: nothing written</source>
        <translation>已取消：未写出文件</translation>
    </message>
</context>
<context>
    <name>CloseDialog</name>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="135"/>
        <source>Close {n} alarm(s)</source>
        <translation>关闭 {n} 条报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="140"/>
        <source>How it ended</source>
        <translation>处置结果说明</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="142"/>
        <source>Classification:</source>
        <translation>结论：</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="143"/>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
</context>
<context>
    <name>DispatchControls</name>
    <message>
        <location filename="../../console/ui/alarm_pane/dispatch_controls.py" line="51"/>
        <source>Unit acknowledged</source>
        <translation>单位已确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dispatch_controls.py" line="52"/>
        <source>The responsible unit has acknowledged the dispatch</source>
        <translation>责任单位已确认接收派发</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dispatch_controls.py" line="53"/>
        <source>On site</source>
        <translation>已到场</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dispatch_controls.py" line="54"/>
        <source>The responsible unit is on site</source>
        <translation>责任单位已到达现场</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dispatch_controls.py" line="55"/>
        <source>Feedback…</source>
        <translation>反馈…</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dispatch_controls.py" line="56"/>
        <source>Record the unit&apos;s feedback on the dispatch</source>
        <translation>记录责任单位对派发的反馈</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dispatch_controls.py" line="62"/>
        <source>Unit report</source>
        <translation>单位反馈</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dispatch_controls.py" line="63"/>
        <source>Record what the dispatched unit reports: acknowledged, on site, feedback</source>
        <translation>记录派发单位的回报：已确认、已到场、处置反馈</translation>
    </message>
</context>
<context>
    <name>DispatchDialog</name>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="86"/>
        <source>Dispatch {n} alarm(s)</source>
        <translation>派发 {n} 条报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="90"/>
        <source>The unit that handles it (required)</source>
        <translation>负责处置的单位（必填）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="92"/>
        <source>What the unit is asked to do (optional)</source>
        <translation>要求单位做什么（选填）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="93"/>
        <source>Responsible unit:</source>
        <translation>责任单位：</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="94"/>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="97"/>
        <source>Response deadlines ({level}):</source>
        <translation>响应时限（{level}）：</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="99"/>
        <source>within {minutes} min, by {time}</source>
        <translation>{minutes} 分钟内，{time} 前</translation>
    </message>
</context>
<context>
    <name>Drill</name>
    <message>
        <location filename="../../console/ui/drill.py" line="34"/>
        <source>Exercise: not a real event</source>
        <translation>演练状态：非真实警情</translation>
    </message>
</context>
<context>
    <name>EngineLink</name>
    <message>
        <location filename="../../console/ui/engine_link.py" line="106"/>
        <source>the engine process ended unexpectedly (exit code {code})</source>
        <translation>引擎进程意外退出（退出码 {code}）</translation>
    </message>
</context>
<context>
    <name>Ergonomics</name>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="71"/>
        <source>Leave wall mode</source>
        <translation>退出大屏模式</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="104"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="106"/>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="115"/>
        <source>&amp;Wall mode (full screen, large type)</source>
        <translation>大屏模式（全屏、大字）(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="119"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="147"/>
        <source>The console speaks {language} from its next start.</source>
        <translation>值班台下次启动时将使用{language}。</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="219"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="241"/>
        <source>Clear the list</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="251"/>
        <source>&amp;Alarms</source>
        <translation>报警(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="253"/>
        <source>&amp;Mute the alarm sound</source>
        <translation>报警声音静音(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="256"/>
        <source>For {n} minutes</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="260"/>
        <source>Sound on again</source>
        <translation>恢复声音</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="266"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../console/ui/ergonomics.py" line="267"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
</context>
<context>
    <name>FeedClock</name>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="59"/>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="59"/>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="59"/>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="60"/>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="60"/>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="60"/>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="61"/>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/page.py" line="145"/>
        <location filename="../../console/ui/replay_controls.py" line="68"/>
        <source>China Standard Time {utc}</source>
        <translation>北京时间 {utc}</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="137"/>
        <source>Drill: the clock of the recorded feed, not the real time</source>
        <translation>演练：这是录制数据的时钟，不是实际时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="138"/>
        <source>The clock of the recorded feed being replayed</source>
        <translation>正在回放的录制数据的时钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="150"/>
        <source>■ End of feed</source>
        <translation>■ 回放结束</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="152"/>
        <source>▶ Playing {speed}</source>
        <translation>▶ 回放中 {speed}</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="154"/>
        <source>❚❚ Paused ({speed})</source>
        <translation>❚❚ 已暂停（{speed}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="161"/>
        <source>⚠ Cannot keep up: about {speed}</source>
        <translation>⚠ 处理跟不上：实际约 {speed}</translation>
    </message>
</context>
<context>
    <name>FeedbackDialog</name>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="117"/>
        <source>Feedback on {n} alarm(s)</source>
        <translation>对 {n} 条报警的反馈</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="119"/>
        <source>What the unit reports</source>
        <translation>单位回报的情况</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="121"/>
        <source>Feedback:</source>
        <translation>反馈：</translation>
    </message>
</context>
<context>
    <name>IdentifyPanel</name>
    <message>
        <location filename="../../console/ui/main_window.py" line="41"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="41"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="50"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
</context>
<context>
    <name>Impact</name>
    <message>
        <location filename="../../console/ui/impact/window.py" line="24"/>
        <source>Impact radius</source>
        <translation>影响半径</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/window.py" line="25"/>
        <source>Pipes cut off</source>
        <translation>停供管段</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/window.py" line="26"/>
        <source>Routes of the nearest units</source>
        <translation>最近救援力量路线</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/window.py" line="27"/>
        <source>Facilities affected</source>
        <translation>受影响设施</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/window.py" line="28"/>
        <source>Valves to close</source>
        <translation>需关闭阀门</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/window.py" line="29"/>
        <source>Nearest units</source>
        <translation>最近救援力量</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/window.py" line="39"/>
        <location filename="../../console/ui/impact/window.py" line="120"/>
        <source>Impact</source>
        <translation>影响分析</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/window.py" line="46"/>
        <source>&amp;Impact analysis</source>
        <translation>影响分析(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/window.py" line="48"/>
        <source>What is around the selected warning&apos;s sensor, what to shut, who can get there</source>
        <translation>所选预警监测点周边有什么、关哪些阀、谁能赶到</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/window.py" line="90"/>
        <source>Select a warning or click a sensor first</source>
        <translation>请先选择一条预警或点击一个监测点</translation>
    </message>
</context>
<context>
    <name>ImpactPanel</name>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="110"/>
        <source>Substance of a hazardous-chemical alarm (empty: the tank&apos;s own)</source>
        <translation>危化品报警的物质（留空：取储罐所存物质）</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="112"/>
        <source>Night</source>
        <translation>夜间</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="113"/>
        <source>Night-time protective-action distances (default: by the clock)</source>
        <translation>采用夜间防护距离（默认按当前时间）</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="114"/>
        <source>Analyse again</source>
        <translation>重新分析</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="116"/>
        <source>Substance</source>
        <translation>物质</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="121"/>
        <location filename="../../console/ui/impact/panel.py" line="263"/>
        <source>Select a warning or a sensor, then Alarms ▸ Impact analysis.</source>
        <translation>请先选择一条预警或一个监测点，再点击 报警 ▸ 影响分析。</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="132"/>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="132"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="132"/>
        <source>People / capacity</source>
        <translation>人数 / 能力</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="133"/>
        <source>By road</source>
        <translation>道路距离</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="137"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="138"/>
        <source>Export GeoJSON…</source>
        <translation>导出 GeoJSON…</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="139"/>
        <source>Clear from map</source>
        <translation>从地图清除</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="161"/>
        <source>Analysing the impact of {sensor}…</source>
        <translation>正在分析 {sensor} 的影响…</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="177"/>
        <source>No impact analysis: {problem}</source>
        <translation>无法进行影响分析：{problem}</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="184"/>
        <source>{sensor} {name}: radius {radius}</source>
        <translation>{sensor} {name}：半径 {radius}</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="187"/>
        <source>, initial isolation {isolation}</source>
        <translation>，初始隔离 {isolation}</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="190"/>
        <source>Source: {source}</source>
        <translation>依据：{source}</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="192"/>
        <source>Substance: {substance} ({period})</source>
        <translation>物质：{substance}（{period}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="193"/>
        <location filename="../../console/ui/briefing/impact_block.py" line="80"/>
        <source>night</source>
        <translation>夜间</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="193"/>
        <location filename="../../console/ui/briefing/impact_block.py" line="80"/>
        <source>day</source>
        <translation>白天</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="217"/>
        <source>Facilities inside ({count})</source>
        <translation>范围内设施（{count}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="218"/>
        <location filename="../../console/ui/impact/panel.py" line="237"/>
        <source>{people} people</source>
        <translation>{people} 人</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="222"/>
        <source>Its supply is cut off by the isolation</source>
        <translation>关阀后其供应中断</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="225"/>
        <source>Valves to close ({count})</source>
        <translation>需关闭阀门（{count}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="230"/>
        <source>Pipes cut off ({count})</source>
        <translation>停供管段（{count}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="233"/>
        <source>(beyond the valves)</source>
        <translation>（阀门以外）</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="236"/>
        <source>Facilities cut off ({count})</source>
        <translation>停供设施（{count}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="240"/>
        <source>Nearest resources by road</source>
        <translation>按道路距离最近的应急资源</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="242"/>
        <source>{distance}, {minutes:.0f} min</source>
        <translation>{distance}，约 {minutes:.0f} 分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="243"/>
        <location filename="../../console/ui/briefing/impact_block.py" line="119"/>
        <source>no road way</source>
        <translation>无道路可达</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="251"/>
        <source>school</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="251"/>
        <source>hospital</source>
        <translation>医院</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="251"/>
        <source>metro station</source>
        <translation>地铁站</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="252"/>
        <source>residential</source>
        <translation>居民小区</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="252"/>
        <source>elderly care</source>
        <translation>养老机构</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="253"/>
        <source>fire and rescue</source>
        <translation>消防救援</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="253"/>
        <source>gas repair</source>
        <translation>燃气抢修</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="254"/>
        <source>water repair</source>
        <translation>供水抢修</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="254"/>
        <source>medical (120)</source>
        <translation>医疗急救（120）</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="255"/>
        <source>shelter</source>
        <translation>避难场所</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="255"/>
        <source>material store</source>
        <translation>物资仓库</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="282"/>
        <source>Export impact as CSV</source>
        <translation>导出影响分析为 CSV</translation>
    </message>
    <message>
        <location filename="../../console/ui/impact/panel.py" line="290"/>
        <source>Export impact as GeoJSON</source>
        <translation>导出影响分析为 GeoJSON</translation>
    </message>
</context>
<context>
    <name>IncidentFootprints</name>
    <message>
        <location filename="../../console/ui/map/footprints.py" line="225"/>
        <source>Lifeline incident area</source>
        <translation>生命线事件范围</translation>
    </message>
    <message>
        <location filename="../../console/ui/map/footprints.py" line="226"/>
        <source>Flood incident area</source>
        <translation>防汛事件范围</translation>
    </message>
    <message>
        <location filename="../../console/ui/map/footprints.py" line="227"/>
        <source>Hazmat incident area</source>
        <translation>危化品事件范围</translation>
    </message>
    <message>
        <location filename="../../console/ui/map/footprints.py" line="257"/>
        <source>Returned incident area (to acknowledge)</source>
        <translation>已恢复待确认事件范围</translation>
    </message>
</context>
<context>
    <name>IncidentLine</name>
    <message>
        <location filename="../../console/ui/alarm_pane/incident_line.py" line="17"/>
        <source>rising</source>
        <translation>上升</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/incident_line.py" line="18"/>
        <source>falling</source>
        <translation>下降</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/incident_line.py" line="19"/>
        <source>steady</source>
        <translation>平稳</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/incident_line.py" line="27"/>
        <source>{n} sensors</source>
        <translation>{n} 个传感器</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/incident_line.py" line="28"/>
        <source>peak {level}</source>
        <translation>最高 {level} 级</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/incident_line.py" line="36"/>
        <source>Trend over the last {n} min: {trend}</source>
        <translation>近 {n} 分钟趋势：{trend}</translation>
    </message>
</context>
<context>
    <name>JournalProblemBox</name>
    <message>
        <location filename="../../console/ui/shift.py" line="89"/>
        <source>Journal cannot be opened</source>
        <translation>无法打开日志</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift.py" line="90"/>
        <source>The journal cannot be opened:
{error}</source>
        <translation>无法打开日志：
{error}</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift.py" line="91"/>
        <source>A fresh journal can be started beside it; the old file is kept as it is. Without a journal nothing the console sees or does is recorded.</source>
        <translation>可在原文件旁新建一个日志，原文件保持不变。不使用日志时，监测台收到的数据和所做的操作都不会被记录。</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift.py" line="93"/>
        <source>Start a fresh journal</source>
        <translation>新建日志</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift.py" line="94"/>
        <source>Continue without a journal</source>
        <translation>不使用日志继续</translation>
    </message>
</context>
<context>
    <name>LayerTree</name>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="64"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="64"/>
        <source>Features</source>
        <translation>要素数</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="143"/>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="178"/>
        <source>Zoom to layer</source>
        <translation>缩放到图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="179"/>
        <source>Opacity…</source>
        <translation>透明度…</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="181"/>
        <source>Remove layer</source>
        <translation>移除图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="185"/>
        <source>Layer opacity</source>
        <translation>图层透明度</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="185"/>
        <source>Opacity (%):</source>
        <translation>不透明度（%）：</translation>
    </message>
</context>
<context>
    <name>LiveMapBinding</name>
    <message>
        <location filename="../../console/ui/live.py" line="91"/>
        <source>{n} s</source>
        <translation>{n}秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="94"/>
        <source>{n} min</source>
        <translation>{n}分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="97"/>
        <source>{h} h {m:02d} min</source>
        <translation>{h}小时{m:02d}分</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="99"/>
        <source>{d} d {h} h</source>
        <translation>{d}天{h}小时</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="482"/>
        <source>No reading since the console started</source>
        <translation>启动以来尚无数据</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="487"/>
        <source>(suspect)</source>
        <translation>（可疑）</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="489"/>
        <source>(bad quality)</source>
        <translation>（数据质量差）</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="490"/>
        <source>Value: {value}</source>
        <translation>监测值：{value}</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="493"/>
        <source>No rule for {quantity}: watched for silence only</source>
        <translation>{quantity} 无报警规则：仅监视是否失联</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="496"/>
        <source>No alarm level</source>
        <translation>无报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="502"/>
        <source>chattering</source>
        <translation>频繁跳变</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="503"/>
        <source>Alarm {alarm}: {state}</source>
        <translation>报警 {alarm}：{state}</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="505"/>
        <source>Out of service</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="508"/>
        <source>Stale</source>
        <translation>数据过期</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="508"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../console/ui/live.py" line="513"/>
        <source>{status}: last reading {age} ago</source>
        <translation>{status}：最后一次数据在{age}前</translation>
    </message>
</context>
<context>
    <name>LiveSources</name>
    <message>
        <location filename="../../console/ui/live_sources.py" line="48"/>
        <source>Sources</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="54"/>
        <source>CAP warnings</source>
        <translation>CAP预警</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="61"/>
        <source>CAP warning areas</source>
        <translation>CAP预警区域</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="69"/>
        <source>&amp;Add sources file…</source>
        <translation>添加数据源文件(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="70"/>
        <source>&amp;Disconnect the live sources</source>
        <translation>断开实时数据源(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="75"/>
        <source>Add a sources file</source>
        <translation>添加数据源文件</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="87"/>
        <location filename="../../console/ui/live_sources.py" line="132"/>
        <location filename="../../console/ui/live_sources.py" line="149"/>
        <source>Sources not connected</source>
        <translation>数据源未接入</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="96"/>
        <source>{path}: a source named {name} is already connected</source>
        <translation>{path}：名为 {name} 的数据源已接入</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="110"/>
        <source>Sources: asking the services for their sensors…</source>
        <translation>数据源：正在向服务查询监测点…</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="131"/>
        <source>{path}: the sources supply no sensors</source>
        <translation>{path}：这些数据源没有提供监测点</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="152"/>
        <source>Live sources need the sensor layers of the city on the map.</source>
        <translation>实时数据源需要地图上有城市的监测点图层。</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="167"/>
        <source>Action not done</source>
        <translation>操作未执行</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="170"/>
        <source>Sources file: {path}</source>
        <translation>数据源文件：{path}</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="175"/>
        <source>Sources: starting…</source>
        <translation>数据源：正在启动…</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="201"/>
        <source>No live sources. Sources ▸ Add sources file… connects them.</source>
        <translation>没有实时数据源。可通过“数据源 ▸ 添加数据源文件…”接入。</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="262"/>
        <source>Inside CAP warning: {headline} ({level})</source>
        <translation>位于CAP预警区域内：{headline}（{level}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="282"/>
        <location filename="../../console/ui/live_sources.py" line="285"/>
        <source>Live sources stopped</source>
        <translation>实时数据源已停止</translation>
    </message>
    <message>
        <location filename="../../console/ui/live_sources.py" line="284"/>
        <source>The live sources stopped: {message}</source>
        <translation>实时数据源已停止：{message}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../console/ui/main_window.py" line="85"/>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="86"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="95"/>
        <source>Warnings</source>
        <translation>实时预警</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="100"/>
        <source>Action not done</source>
        <translation>操作未完成</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="131"/>
        <source>One-map duty console</source>
        <translation>一张图值班监测台</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="153"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="154"/>
        <source>&amp;Open layers…</source>
        <translation>打开图层(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="155"/>
        <source>Save map &amp;snapshot…</source>
        <translation>保存地图快照(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="156"/>
        <source>Export &amp;briefing…</source>
        <translation>导出简报(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="158"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="159"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="160"/>
        <source>Zoom to &amp;full extent</source>
        <translation>缩放到全图(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="161"/>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="162"/>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="163"/>
        <source>Zoom to selected &amp;layer</source>
        <translation>缩放到所选图层(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="171"/>
        <source>&amp;Alarms</source>
        <translation>报警(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="179"/>
        <source>Change &amp;shift…</source>
        <translation>交接班(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="180"/>
        <source>Shift &amp;report…</source>
        <translation>值班报告(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="181"/>
        <source>Closed alarm &amp;history…</source>
        <translation>已关闭报警历史(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="187"/>
        <source>S&amp;ources</source>
        <translation>数据源(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="188"/>
        <source>&amp;Drill</source>
        <translation>演练(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="189"/>
        <source>&amp;Start a drill from a recorded feed…</source>
        <translation>用录制数据开始演练(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="191"/>
        <source>&amp;Leave the drill</source>
        <translation>结束演练(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="246"/>
        <source>Open layers</source>
        <translation>打开图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="263"/>
        <source>Cannot open</source>
        <translation>无法打开</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="302"/>
        <source>Live sensors not started</source>
        <translation>实时监测未启动</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="408"/>
        <source>On duty: {name}</source>
        <translation>值班：{name}</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="411"/>
        <source>No operator on duty</source>
        <translation>无值班员</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="423"/>
        <source>No journal</source>
        <translation>无日志</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="424"/>
        <source>Nothing is recorded</source>
        <translation>不记录任何数据和操作</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="420"/>
        <location filename="../../console/ui/main_window.py" line="426"/>
        <source>Journal: {name}</source>
        <translation>日志：{name}</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="451"/>
        <source>Recorded feed for the drill</source>
        <translation>演练用录制数据</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="452"/>
        <source>Recorded feeds (*.jsonl *.jsonl.gz *.csv *.csv.gz);;*</source>
        <translation>录制数据 (*.jsonl *.jsonl.gz *.csv *.csv.gz);;*</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="467"/>
        <source>A drill needs the sensor layers of the city on the map.</source>
        <translation>演练需要先在地图上打开城市的监测点图层。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="468"/>
        <location filename="../../console/ui/main_window.py" line="480"/>
        <source>Drill not started</source>
        <translation>演练未开始</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="478"/>
        <source>Reading the feed</source>
        <translation>正在读取数据</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="494"/>
        <source>Drill: {feed}</source>
        <translation>演练：{feed}</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="547"/>
        <source>Save map snapshot</source>
        <translation>保存地图快照</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="596"/>
        <source>Cannot write {path}</source>
        <translation>无法写入 {path}</translation>
    </message>
</context>
<context>
    <name>MapDecorations</name>
    <message>
        <location filename="../../console/ui/map/decorations.py" line="104"/>
        <source>{value}°E</source>
        <translation>东经{value}°</translation>
    </message>
    <message>
        <location filename="../../console/ui/map/decorations.py" line="104"/>
        <source>{value}°W</source>
        <translation>西经{value}°</translation>
    </message>
    <message>
        <location filename="../../console/ui/map/decorations.py" line="105"/>
        <source>{value}°N</source>
        <translation>北纬{value}°</translation>
    </message>
    <message>
        <location filename="../../console/ui/map/decorations.py" line="105"/>
        <source>{value}°S</source>
        <translation>南纬{value}°</translation>
    </message>
</context>
<context>
    <name>NorthArrow</name>
    <message>
        <location filename="../../console/ui/map/decorations.py" line="97"/>
        <location filename="../../console/ui/map/canvas.py" line="379"/>
        <source>N</source>
        <translation>北</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="68"/>
        <source>Note on {n} alarm(s)</source>
        <translation>为 {n} 条报警添加备注</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="70"/>
        <source>What you saw or did</source>
        <translation>所见情况或所做处置</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="72"/>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
</context>
<context>
    <name>RejectReason</name>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="74"/>
        <source>oversized</source>
        <translation>超长</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="75"/>
        <source>malformed</source>
        <translation>格式错误</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="76"/>
        <source>wrong type</source>
        <translation>类型错误</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="77"/>
        <source>missing field</source>
        <translation>缺少字段</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="78"/>
        <source>bad time</source>
        <translation>时间无效</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="79"/>
        <source>bad quality</source>
        <translation>质量码无效</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="80"/>
        <source>topic does not fit</source>
        <translation>主题不匹配</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="81"/>
        <source>unknown sensor</source>
        <translation>未知监测点</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="82"/>
        <source>refused by the CAP parser</source>
        <translation>CAP解析拒收</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="83"/>
        <source>unreadable file</source>
        <translation>文件无法读取</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="84"/>
        <source>fetch failed</source>
        <translation>获取失败</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="85"/>
        <source>entry without a link</source>
        <translation>条目无链接</translation>
    </message>
</context>
<context>
    <name>ReplayPanel</name>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="38"/>
        <source>{speed}×</source>
        <translation>{speed}倍速</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="44"/>
        <source>{n} h</source>
        <translation>{n}小时</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="46"/>
        <source>{n} min</source>
        <translation>{n}分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="47"/>
        <source>{n} s</source>
        <translation>{n}秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="52"/>
        <source>{amount} per second</source>
        <translation>每秒{amount}</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="240"/>
        <source>Alarms by level:</source>
        <translation>按级别统计报警：</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="245"/>
        <source>Level I (most severe)</source>
        <translation>I级（特别重大）</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="246"/>
        <source>Level II</source>
        <translation>II级（重大）</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="247"/>
        <source>Level III</source>
        <translation>III级（较大）</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="248"/>
        <source>Level IV (general)</source>
        <translation>IV级（一般）</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="239"/>
        <source>Export clip…</source>
        <translation>导出回放动画…</translation>
    </message>
    <message>
        <location filename="../../console/ui/clip_dialog.py" line="240"/>
        <source>Export a span of the drill as an animated GIF or WebP</source>
        <translation>将演练的一段时间导出为 GIF 或 WebP 动画</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="193"/>
        <source>Provisional view: the index has reached {indexed} of the feed, the clock is at {clock}. Alarms that began and ended between {gap_from} and {gap_to} are not shown yet, and alarm actions wait until the view is exact.</source>
        <translation>临时视图：索引已到数据流的 {indexed}，时钟在 {clock}。{gap_from} 至 {gap_to} 之间发生并已结束的报警暂未显示，视图精确前暂不能进行报警操作。</translation>
    </message>
</context>
<context>
    <name>ReplayToolBar</name>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="272"/>
        <source>Jump to the start of the feed</source>
        <translation>跳到数据开头</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="273"/>
        <source>Step back</source>
        <translation>后退一步</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="274"/>
        <location filename="../../console/ui/replay_controls.py" line="300"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="275"/>
        <source>Step forward</source>
        <translation>前进一步</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="276"/>
        <source>Jump to the end of the feed</source>
        <translation>跳到数据末尾</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="278"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="282"/>
        <source>Replay speed: feed time per second of playback</source>
        <translation>回放速度：每秒回放的数据时长</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="300"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="315"/>
        <source>Step back {amount}</source>
        <translation>后退 {amount}</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_controls.py" line="316"/>
        <source>Step forward {amount}</source>
        <translation>前进 {amount}</translation>
    </message>
</context>
<context>
    <name>SensorDetail</name>
    <message>
        <location filename="../../console/ui/sensor_detail/history.py" line="85"/>
        <source>No journal: the history is not recorded, only live values are shown.</source>
        <translation>无日志：历史未记录，仅显示实时值。</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/history.py" line="90"/>
        <location filename="../../console/ui/sensor_detail/history.py" line="100"/>
        <source>History not available: {problem}</source>
        <translation>历史数据不可用：{problem}</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="145"/>
        <source>Raised</source>
        <translation>报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="146"/>
        <source>Acknowledged</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="147"/>
        <source>Dispatched</source>
        <translation>派发</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="148"/>
        <source>Unit acknowledged</source>
        <translation>单位已确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="149"/>
        <source>Unit on site</source>
        <translation>单位已到场</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="150"/>
        <source>Unit feedback</source>
        <translation>单位反馈</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="151"/>
        <source>Escalated (overdue)</source>
        <translation>超时已上报</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="152"/>
        <source>Closed</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="158"/>
        <source>Unit</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="165"/>
        <source>the unit&apos;s acknowledgement</source>
        <translation>单位确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="166"/>
        <source>arrival on site</source>
        <translation>到场</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="167"/>
        <source>handling (closure)</source>
        <translation>处置办结</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="175"/>
        <source>{sensor}, alarm {alarm}</source>
        <translation>{sensor}，报警 {alarm}</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="181"/>
        <source>Deadline missed: {step}</source>
        <translation>超时未完成：{step}</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="183"/>
        <source>To: {unit}</source>
        <translation>派发至：{unit}</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/plot.py" line="192"/>
        <source>Recorded by {operator}</source>
        <translation>记录人：{operator}</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/window.py" line="37"/>
        <location filename="../../console/ui/sensor_detail/window.py" line="54"/>
        <source>Sensor detail</source>
        <translation>监测点详情</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/window.py" line="42"/>
        <source>Show sensor detail</source>
        <translation>查看监测点详情</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/window.py" line="43"/>
        <source>History and thresholds of the selected warning&apos;s sensors</source>
        <translation>所选预警监测点的历史曲线与阈值</translation>
    </message>
</context>
<context>
    <name>SensorDetailPanel</name>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="126"/>
        <source>Add a sensor by id</source>
        <translation>按编号添加监测点</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="127"/>
        <source>Up to four sensors are shown together; Ctrl+click on the map adds one too</source>
        <translation>最多同时显示四个监测点；在地图上按住 Ctrl 单击也可添加</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="131"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="132"/>
        <source>Take the selected sensor off the plot</source>
        <translation>从曲线图中移除所选监测点</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="138"/>
        <source>Id</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="138"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="138"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="139"/>
        <source>Quantity</source>
        <translation>监测量</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="139"/>
        <source>Owner</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="139"/>
        <source>Contact</source>
        <translation>联系方式</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="140"/>
        <source>Asset</source>
        <translation>监测对象</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="140"/>
        <source>District</source>
        <translation>行政区</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="141"/>
        <source>Coordinates</source>
        <translation>经纬度</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="141"/>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="142"/>
        <source>Value</source>
        <translation>当前值</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="142"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="160"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="162"/>
        <source>1 h</source>
        <translation>1小时</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="162"/>
        <source>6 h</source>
        <translation>6小时</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="162"/>
        <source>24 h</source>
        <translation>24小时</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="162"/>
        <source>7 d</source>
        <translation>7天</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="180"/>
        <source>Click a sensor on the map, or choose “Show sensor detail” on a warning.</source>
        <translation>在地图上单击监测点，或在预警上选择“查看监测点详情”。</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="245"/>
        <source>At most {n} sensors are shown together: remove one before adding {sensor}.</source>
        <translation>最多同时显示 {n} 个监测点：请先移除一个，再添加 {sensor}。</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="270"/>
        <source>No sensor {sensor} in the sensor layers.</source>
        <translation>监测点图层中没有 {sensor}。</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="331"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="382"/>
        <source>No reading since the console started</source>
        <translation>启动以来尚无数据</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="386"/>
        <source>{value} at {time}</source>
        <translation>{value}（{time}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="388"/>
        <source>No alarm level</source>
        <translation>无报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/sensor_detail/panel.py" line="391"/>
        <source>alarm {alarm}: {state}</source>
        <translation>报警 {alarm}：{state}</translation>
    </message>
</context>
<context>
    <name>SharedLink</name>
    <message>
        <location filename="../../console/ui/shared_link.py" line="46"/>
        <source>A console on the shared state needs the sensor layers of the city on the map.</source>
        <translation>共享状态下的控制台需要地图上的城市监测点图层。</translation>
    </message>
    <message>
        <location filename="../../console/ui/shared_link.py" line="55"/>
        <source>Action not done</source>
        <translation>操作未执行</translation>
    </message>
    <message>
        <location filename="../../console/ui/shared_link.py" line="63"/>
        <source>Shared state: {url}</source>
        <translation>共享报警状态：{url}</translation>
    </message>
    <message>
        <location filename="../../console/ui/shared_link.py" line="64"/>
        <source>Console {name}; actions queued in {outbox} until answered</source>
        <translation>控制台 {name}；操作在收到答复前排队于 {outbox}</translation>
    </message>
    <message>
        <location filename="../../console/ui/shared_link.py" line="102"/>
        <source>{n} action(s) waiting to be sent</source>
        <translation>{n} 项操作待发送</translation>
    </message>
    <message>
        <location filename="../../console/ui/shared_link.py" line="104"/>
        <source>Shared alarm state: live, console {name}</source>
        <translation>共享报警状态：在线，控制台 {name}</translation>
    </message>
    <message>
        <location filename="../../console/ui/shared_link.py" line="106"/>
        <source>The shared database cannot be reached: showing the last state known</source>
        <translation>无法连接共享数据库：显示最后已知状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/shared_link.py" line="108"/>
        <source>No alarm service is running: the alarms do not change</source>
        <translation>报警服务未运行：报警状态不会变化</translation>
    </message>
    <message>
        <location filename="../../console/ui/shared_link.py" line="110"/>
        <source>No alarm service has set up this database yet</source>
        <translation>尚无报警服务初始化此数据库</translation>
    </message>
    <message>
        <location filename="../../console/ui/shared_link.py" line="112"/>
        <source>The shared database was refused: {message}</source>
        <translation>共享数据库被拒绝：{message}</translation>
    </message>
    <message>
        <location filename="../../console/ui/shared_link.py" line="114"/>
        <source>Connecting to the shared alarm state…</source>
        <translation>正在连接共享报警状态…</translation>
    </message>
</context>
<context>
    <name>ShelveDialog</name>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="40"/>
        <source>Shelve {n} alarm(s)</source>
        <translation>搁置 {n} 条报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="43"/>
        <source>Chattering sensor</source>
        <translation>监测点频繁跳变</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="43"/>
        <source>Maintenance work</source>
        <translation>检修作业</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="44"/>
        <source>Known fault, repair ordered</source>
        <translation>已知故障，已报修</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="44"/>
        <source>Sensor test</source>
        <translation>监测点测试</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="46"/>
        <source>Why the alarm is hidden (required)</source>
        <translation>搁置原因（必填）</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="49"/>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="49"/>
        <source>{n} h</source>
        <translation>{n} 小时</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="52"/>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <location filename="../../console/ui/alarm_pane/dialogs.py" line="53"/>
        <source>For:</source>
        <translation>时长：</translation>
    </message>
</context>
<context>
    <name>ShiftDialog</name>
    <message>
        <location filename="../../console/ui/shift.py" line="48"/>
        <source>Start of shift</source>
        <translation>接班</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift.py" line="49"/>
        <source>Every acknowledgement, note and dispatch is journaled with the name of the operator on duty.</source>
        <translation>每一次确认、备注和派发都会连同值班员姓名记入日志。</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift.py" line="53"/>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift.py" line="57"/>
        <source>Handing over:</source>
        <translation>交班人：</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift.py" line="58"/>
        <source>Operator on duty:</source>
        <translation>值班员：</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift.py" line="60"/>
        <source>Start shift</source>
        <translation>开始值班</translation>
    </message>
</context>
<context>
    <name>ShiftReport</name>
    <message>
        <location filename="../../console/ui/report_pdf.py" line="240"/>
        <source>Page {page} of {pages}</source>
        <translation>第 {page} 页，共 {pages} 页</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift_report.py" line="55"/>
        <source>Shift report</source>
        <translation>值班报告</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift_report.py" line="58"/>
        <source>The console runs without a journal: there is nothing to report on.</source>
        <translation>值班台未使用日志，无可报告的内容。</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift_report.py" line="64"/>
        <source>PDF (*.pdf);;CSV (*.csv);;Markdown (*.md)</source>
        <translation>PDF (*.pdf);;CSV (*.csv);;Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift_report.py" line="71"/>
        <source>The shift report cannot be written:
{error}</source>
        <translation>无法写入值班报告：
{error}</translation>
    </message>
    <message>
        <location filename="../../console/ui/shift_report.py" line="74"/>
        <source>Shift report written to {path}</source>
        <translation>值班报告已写入 {path}</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../console/ui/shortcuts.py" line="63"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../console/ui/shortcuts.py" line="66"/>
        <source>Menu</source>
        <translation>菜单</translation>
    </message>
    <message>
        <location filename="../../console/ui/shortcuts.py" line="66"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../console/ui/shortcuts.py" line="66"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../console/ui/shortcuts.py" line="83"/>
        <source>Keys that work anywhere in the console window:</source>
        <translation>在值班台窗口中任意位置可用的按键：</translation>
    </message>
</context>
<context>
    <name>Snapshot</name>
    <message>
        <location filename="../../console/ui/main_window.py" line="579"/>
        <location filename="../../console/ui/briefing/build.py" line="100"/>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <location filename="../../console/ui/briefing/legend.py" line="87"/>
        <location filename="../../console/ui/snapshot.py" line="103"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../../console/ui/snapshot.py" line="130"/>
        <source>Level I warning (red)</source>
        <translation>Ⅰ级预警（红色）</translation>
    </message>
    <message>
        <location filename="../../console/ui/snapshot.py" line="131"/>
        <source>Level II warning (orange)</source>
        <translation>Ⅱ级预警（橙色）</translation>
    </message>
    <message>
        <location filename="../../console/ui/snapshot.py" line="132"/>
        <source>Level III warning (yellow)</source>
        <translation>Ⅲ级预警（黄色）</translation>
    </message>
    <message>
        <location filename="../../console/ui/snapshot.py" line="133"/>
        <source>Level IV warning (blue)</source>
        <translation>Ⅳ级预警（蓝色）</translation>
    </message>
    <message>
        <location filename="../../console/ui/snapshot.py" line="139"/>
        <source>No data (stale, offline)</source>
        <translation>无数据（超时、离线）</translation>
    </message>
    <message>
        <location filename="../../console/ui/snapshot.py" line="140"/>
        <source>Shelved</source>
        <translation>已搁置</translation>
    </message>
</context>
<context>
    <name>SourceKind</name>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="64"/>
        <source>recorded feed</source>
        <translation>回放文件</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="67"/>
        <source>CAP warnings</source>
        <translation>CAP预警</translation>
    </message>
</context>
<context>
    <name>SourceState</name>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="48"/>
        <source>idle</source>
        <translation>未启动</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="49"/>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="50"/>
        <source>live</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="51"/>
        <source>reconnecting</source>
        <translation>重连中</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="52"/>
        <source>down</source>
        <translation>中断</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="53"/>
        <source>refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="54"/>
        <source>no messages</source>
        <translation>无消息</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="55"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="56"/>
        <source>finished</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="57"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
</context>
<context>
    <name>SourcesPane</name>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="153"/>
        <source>No live sources. Sources ▸ Add sources file… connects them.</source>
        <translation>没有实时数据源。可通过“数据源 ▸ 添加数据源文件…”接入。</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="155"/>
        <source>Source</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="155"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="155"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="155"/>
        <source>Messages/s</source>
        <translation>消息/秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="156"/>
        <source>Last message</source>
        <translation>最近消息</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="156"/>
        <source>Received</source>
        <translation>收到</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="156"/>
        <source>Accepted</source>
        <translation>采用</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="157"/>
        <source>Rejected</source>
        <translation>拒收</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="157"/>
        <source>Unknown ids</source>
        <translation>未知编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="157"/>
        <source>Reconnects</source>
        <translation>重连次数</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="158"/>
        <source>Time down</source>
        <translation>中断时长</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="161"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="161"/>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="161"/>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="163"/>
        <source>On time in the last hour, by responsible unit</source>
        <translation>近一小时按时上报率（按责任单位）</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="164"/>
        <source>On time in the last hour, by district</source>
        <translation>近一小时按时上报率（按行政区）</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="166"/>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="166"/>
        <source>Sensors</source>
        <translation>监测点</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="166"/>
        <source>On time</source>
        <translation>按时</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="166"/>
        <source>Share</source>
        <translation>比例</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="178"/>
        <location filename="../../console/ui/sources_pane.py" line="237"/>
        <source>Rejected messages</source>
        <translation>拒收的消息</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="179"/>
        <source>Data delivery</source>
        <translation>数据上报</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="244"/>
        <source>Rejected messages of {source} (last {n})</source>
        <translation>{source} 拒收的消息（最近 {n} 条）</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="249"/>
        <source>Unknown sensor ids: {ids}</source>
        <translation>未知监测点编号：{ids}</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="252"/>
        <source>Dropped because the console fell behind: {n}</source>
        <translation>因处理不及而丢弃：{n}</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="265"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_pane.py" line="278"/>
        <source>Sources: {live} live, {down} not delivering</source>
        <translation>数据源：{live} 个在线，{down} 个未上报</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <location filename="../../console/ui/theme.py" line="72"/>
        <source>Light (print)</source>
        <translation>浅色（打印）</translation>
    </message>
    <message>
        <location filename="../../console/ui/theme.py" line="72"/>
        <source>Dark (video wall)</source>
        <translation>深色（大屏）</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../console/ui/timeline.py" line="233"/>
        <source>Reading the feed: {percent} %</source>
        <translation>正在读取数据：{percent}%</translation>
    </message>
    <message>
        <location filename="../../console/ui/timeline.py" line="236"/>
        <source>peak {count} alarms per {minutes} min</source>
        <translation>峰值：每{minutes}分钟 {count} 条报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/timeline.py" line="239"/>
        <source>No alarms in this feed</source>
        <translation>此数据中没有报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/timeline.py" line="288"/>
        <source>Alarms {begin}–{end}</source>
        <translation>报警 {begin}–{end}</translation>
    </message>
    <message>
        <location filename="../../console/ui/timeline.py" line="290"/>
        <source>Click or drag to jump to a moment</source>
        <translation>单击或拖动以跳到该时刻</translation>
    </message>
</context>
<context>
    <name>WarningsPane</name>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="89"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="89"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="89"/>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="89"/>
        <source>Sender</source>
        <translation>发布单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="89"/>
        <source>Effective</source>
        <translation>生效</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="90"/>
        <source>Expires</source>
        <translation>失效</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="90"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="90"/>
        <source>Alarms inside</source>
        <translation>区域内报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="90"/>
        <source>Source</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="124"/>
        <source>CAP warnings in force: {n}</source>
        <translation>生效中的CAP预警：{n} 条</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="125"/>
        <source>No CAP warning in force.</source>
        <translation>当前无生效的CAP预警。</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="183"/>
        <source>until cancelled</source>
        <translation>至解除</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="185"/>
        <source>expired</source>
        <translation>已失效</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="211"/>
        <source>Click a warning to read its full text and zoom to its area.</source>
        <translation>点击预警查看全文并缩放至其区域。</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="214"/>
        <source>Level: {level}, {how}</source>
        <translation>级别：{level}，{how}</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="216"/>
        <source>Area: {area}</source>
        <translation>区域：{area}</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="217"/>
        <source>Sender: {sender}</source>
        <translation>发布单位：{sender}</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="218"/>
        <source>Effective {effective}, onset {onset}, expires {expires}</source>
        <translation>生效 {effective}，开始 {onset}，失效 {expires}</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="221"/>
        <source>Effective {effective}, expires {expires}</source>
        <translation>生效 {effective}，失效 {expires}</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="226"/>
        <source>Instruction: {text}</source>
        <translation>防御指引：{text}</translation>
    </message>
    <message>
        <location filename="../../console/ui/warnings_pane.py" line="228"/>
        <source>This warning gives no area the map can draw.</source>
        <translation>此预警未给出可在地图上绘制的区域。</translation>
    </message>
</context>
<context>
    <name>WorkProgress</name>
    <message>
        <location filename="../../console/ui/progress.py" line="86"/>
        <source>Indexing the replay</source>
        <translation>正在索引回放</translation>
    </message>
    <message>
        <location filename="../../console/ui/progress.py" line="132"/>
        <source>{work}: {n} readings</source>
        <translation>{work}：{n} 条读数</translation>
    </message>
</context>
</TS>
