<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>Drill</name>
    <message>
        <location filename="../../console/ui/drill.py" line="28" />
        <source>Exercise: not a real event</source>
        <translation>演练状态：非真实警情</translation>
    </message>
</context>
<context>
    <name>FeedClock</name>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="63" />
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="63" />
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="63" />
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="64" />
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="64" />
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="64" />
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="65" />
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="72" />
        <source>China Standard Time {utc}</source>
        <translation>北京时间 {utc}</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="129" />
        <source>Drill: the clock of the recorded feed, not the real time</source>
        <translation>演练：这是录制数据的时钟，不是实际时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="130" />
        <source>The clock of the recorded feed being replayed</source>
        <translation>正在回放的录制数据的时钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="142" />
        <source>■ End of feed</source>
        <translation>■ 回放结束</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="144" />
        <source>▶ Playing {speed}, lagging (about {effective})</source>
        <translation>▶ 回放中 {speed}，处理跟不上（约 {effective}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="147" />
        <source>▶ Playing {speed}</source>
        <translation>▶ 回放中 {speed}</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="149" />
        <source>❚❚ Paused ({speed})</source>
        <translation>❚❚ 已暂停（{speed}）</translation>
    </message>
</context>
<context>
    <name>IdentifyPanel</name>
    <message>
        <location filename="../../console/ui/main_window.py" line="36" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="36" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="45" />
        <source>Layer</source>
        <translation>图层</translation>
    </message>
</context>
<context>
    <name>LayerTree</name>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="64" />
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="64" />
        <source>Features</source>
        <translation>要素数</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="138" />
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="173" />
        <source>Zoom to layer</source>
        <translation>缩放到图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="174" />
        <source>Opacity…</source>
        <translation>透明度…</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="176" />
        <source>Remove layer</source>
        <translation>移除图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="180" />
        <source>Layer opacity</source>
        <translation>图层透明度</translation>
    </message>
    <message>
        <location filename="../../console/ui/layer_tree.py" line="180" />
        <source>Opacity (%):</source>
        <translation>不透明度（%）：</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../console/ui/main_window.py" line="69" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="70" />
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="78" />
        <source>One-map duty console</source>
        <translation>一张图值班监测台</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="89" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="90" />
        <source>&amp;Open layers…</source>
        <translation>打开图层(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="91" />
        <source>Save map &amp;snapshot…</source>
        <translation>保存地图快照(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="93" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="94" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="95" />
        <source>Zoom to &amp;full extent</source>
        <translation>缩放到全图(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="96" />
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="97" />
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="98" />
        <source>Zoom to selected &amp;layer</source>
        <translation>缩放到所选图层(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="148" />
        <source>Open layers</source>
        <translation>打开图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="165" />
        <source>Cannot open</source>
        <translation>无法打开</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="186" />
        <source>Save map snapshot</source>
        <translation>保存地图快照</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="194" />
        <source>Cannot write {path}</source>
        <translation>无法写入 {path}</translation>
    </message>
</context>
<context>
    <name>MapDecorations</name>
    <message>
        <location filename="../../console/ui/map/decorations.py" line="104" />
        <source>{value}°E</source>
        <translation>东经{value}°</translation>
    </message>
    <message>
        <location filename="../../console/ui/map/decorations.py" line="104" />
        <source>{value}°W</source>
        <translation>西经{value}°</translation>
    </message>
    <message>
        <location filename="../../console/ui/map/decorations.py" line="105" />
        <source>{value}°N</source>
        <translation>北纬{value}°</translation>
    </message>
    <message>
        <location filename="../../console/ui/map/decorations.py" line="105" />
        <source>{value}°S</source>
        <translation>南纬{value}°</translation>
    </message>
</context>
<context>
    <name>NorthArrow</name>
    <message>
        <location filename="../../console/ui/map/decorations.py" line="97" />
        <source>N</source>
        <translation>北</translation>
    </message>
</context>
<context>
    <name>ReplayPanel</name>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="42" />
        <source>{speed}×</source>
        <translation>{speed}倍速</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="48" />
        <source>{n} h</source>
        <translation>{n}小时</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="50" />
        <source>{n} min</source>
        <translation>{n}分钟</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="51" />
        <source>{n} s</source>
        <translation>{n}秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="56" />
        <source>{amount} per second</source>
        <translation>每秒{amount}</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="222" />
        <source>Alarms by level:</source>
        <translation>按级别统计报警：</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="227" />
        <source>Level I (most severe)</source>
        <translation>I级（特别重大）</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="228" />
        <source>Level II</source>
        <translation>II级（重大）</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="229" />
        <source>Level III</source>
        <translation>III级（较大）</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="230" />
        <source>Level IV (general)</source>
        <translation>IV级（一般）</translation>
    </message>
</context>
<context>
    <name>ReplayToolBar</name>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="254" />
        <source>Jump to the start of the feed</source>
        <translation>跳到数据开头</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="255" />
        <source>Step back</source>
        <translation>后退一步</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="256" />
        <location filename="../../console/ui/replay_panel.py" line="282" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="257" />
        <source>Step forward</source>
        <translation>前进一步</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="258" />
        <source>Jump to the end of the feed</source>
        <translation>跳到数据末尾</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="260" />
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="264" />
        <source>Replay speed: feed time per second of playback</source>
        <translation>回放速度：每秒回放的数据时长</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="282" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="297" />
        <source>Step back {amount}</source>
        <translation>后退 {amount}</translation>
    </message>
    <message>
        <location filename="../../console/ui/replay_panel.py" line="298" />
        <source>Step forward {amount}</source>
        <translation>前进 {amount}</translation>
    </message>
</context>
<context>
    <name>Snapshot</name>
    <message>
        <location filename="../../console/ui/main_window.py" line="191" />
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <location filename="../../console/ui/snapshot.py" line="92" />
        <source>Legend</source>
        <translation>图例</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../console/ui/timeline.py" line="203" />
        <source>peak {count} alarms per {minutes} min</source>
        <translation>峰值：每{minutes}分钟 {count} 条报警</translation>
    </message>
    <message>
        <location filename="../../console/ui/timeline.py" line="253" />
        <source>Alarms {begin}–{end}</source>
        <translation>报警 {begin}–{end}</translation>
    </message>
    <message>
        <location filename="../../console/ui/timeline.py" line="255" />
        <source>Click or drag to jump to a moment</source>
        <translation>单击或拖动以跳到该时刻</translation>
    </message>
</context>
</TS>