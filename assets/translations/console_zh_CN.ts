<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
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
</TS>