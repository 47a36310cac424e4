"""Invented place names of the demo city, each as (Chinese, pinyin) pairs.

Names are plausible for a river city in central China but belong to no real
place; the pinyin is written the way road signs write it.
"""

from __future__ import annotations

import zlib

import numpy as np

CITY_ZH = "示范市"
CITY_EN = "Demo City"

MAIN_RIVER = ("清澜江", "Qinglan River")
TRIBUTARIES = [("金水河", "Jinshui River"), ("柳溪河", "Liuxi River"), ("青龙河", "Qinglong River"),
               ("府河", "Fu River"), ("沙河", "Sha River")]
LAKES = [("月湖", "Yuehu Lake"), ("翠湖", "Cuihu Lake"), ("白鹭湖", "Bailu Lake"),
         ("青菱湖", "Qingling Lake"), ("后湖", "Houhu Lake"), ("莲花湖", "Lianhua Lake")]

# Word stems for roads, schools, estates, companies... (Chinese, pinyin).
STEMS = [
    ("建设", "Jianshe"), ("解放", "Jiefang"), ("和平", "Heping"), ("友谊", "Youyi"), ("发展", "Fazhan"),
    ("光明", "Guangming"), ("新华", "Xinhua"), ("民主", "Minzhu"), ("复兴", "Fuxing"), ("江城", "Jiangcheng"),
    ("青年", "Qingnian"), ("学府", "Xuefu"), ("科技", "Keji"), ("中山", "Zhongshan"), ("人民", "Renmin"),
    ("胜利", "Shengli"), ("团结", "Tuanjie"), ("幸福", "Xingfu"), ("育才", "Yucai"), ("民生", "Minsheng"),
    ("工农", "Gongnong"), ("繁荣", "Fanrong"), ("振兴", "Zhenxing"), ("长青", "Changqing"), ("紫阳", "Ziyang"),
    ("丽水", "Lishui"), ("滨湖", "Binhu"), ("临江", "Linjiang"), ("前进", "Qianjin"), ("朝阳", "Chaoyang"),
    ("东风", "Dongfeng"), ("红旗", "Hongqi"), ("永安", "Yong'an"), ("太平", "Taiping"), ("文化", "Wenhua"),
    ("体育", "Tiyu"), ("公园", "Gongyuan"), ("花园", "Huayuan"), ("桃源", "Taoyuan"), ("杏林", "Xinglin"),
    ("柳林", "Liulin"), ("松竹", "Songzhu"), ("梅岭", "Meiling"), ("兰亭", "Lanting"), ("菊园", "Juyuan"),
    ("桂花", "Guihua"), ("荷花", "Hehua"), ("翠微", "Cuiwei"), ("碧波", "Bibo"), ("青石", "Qingshi"),
    ("白云", "Baiyun"), ("凤凰", "Fenghuang"), ("麒麟", "Qilin"), ("龙腾", "Longteng"), ("鹤鸣", "Heming"),
    ("鹿鸣", "Luming"), ("秀水", "Xiushui"), ("清河", "Qinghe"), ("玉带", "Yudai"), ("锦绣", "Jinxiu"),
    ("华夏", "Huaxia"), ("汇通", "Huitong"), ("通达", "Tongda"), ("兴业", "Xingye"), ("昌盛", "Changsheng"),
    ("宏图", "Hongtu"), ("创新", "Chuangxin"), ("光华", "Guanghua"), ("启明", "Qiming"), ("明珠", "Mingzhu"),
    ("银湖", "Yinhu"), ("金沙", "Jinsha"), ("沙湖", "Shahu"), ("东亭", "Dongting"), ("西园", "Xiyuan"),
    ("书院", "Shuyuan"), ("学院", "Xueyuan"), ("车站", "Chezhan"), ("码头", "Matou"), ("粮道", "Liangdao"),
    ("盐仓", "Yancang"), ("铁桥", "Tieqiao"), ("石桥", "Shiqiao"), ("板桥", "Banqiao"), ("长堤", "Changdi"),
    ("江堤", "Jiangdi"), ("望江", "Wangjiang"), ("观澜", "Guanlan"), ("听涛", "Tingtao"), ("晴川", "Qingchuan"),
    ("芳草", "Fangcao"), ("百花", "Baihua"), ("春晖", "Chunhui"), ("秋实", "Qiushi"), ("丰收", "Fengshou"),
    ("农科", "Nongke"), ("航空", "Hangkong"), ("钢城", "Gangcheng"), ("港湾", "Gangwan"), ("新港", "Xingang"),
    ("古田", "Gutian"), ("宝丰", "Baofeng"), ("惠民", "Huimin"), ("安居", "Anju"), ("康宁", "Kangning"),
    ("德政", "Dezheng"), ("仁和", "Renhe"), ("礼贤", "Lixian"), ("信义", "Xinyi"), ("智慧", "Zhihui"),
    ("崇文", "Chongwen"), ("尚武", "Shangwu"), ("怡和", "Yihe"), ("泰康", "Taikang"), ("长丰", "Changfeng"),
    ("二七", "Erqi"), ("三阳", "Sanyang"), ("四新", "Sixin"), ("五里", "Wuli"), ("六合", "Liuhe"),
    ("七里", "Qili"), ("八一", "Bayi"), ("九龙", "Jiulong"), ("十里", "Shili"), ("金桂", "Jingui"),
    ("银杏", "Yinxing"), ("樱花", "Yinghua"), ("枫林", "Fenglin"), ("竹园", "Zhuyuan"), ("杨柳", "Yangliu"),
    ("青云", "Qingyun"), ("紫荆", "Zijing"), ("玉泉", "Yuquan"), ("金山", "Jinshan"), ("银河", "Yinhe"),
    ("天鹅", "Tian'e"), ("白鹤", "Baihe"), ("黄鹂", "Huangli"), ("喜鹊", "Xique"), ("鸣翠", "Mingcui"),
    ("双桥", "Shuangqiao"), ("三眼桥", "Sanyanqiao"), ("新村", "Xincun"), ("大通", "Datong"), ("利民", "Limin"),
]

AVENUE_STEMS = [
    ("长江", "Changjiang"), ("建设", "Jianshe"), ("解放", "Jiefang"), ("和平", "Heping"), ("友谊", "Youyi"),
    ("发展", "Fazhan"), ("光明", "Guangming"), ("新华", "Xinhua"), ("复兴", "Fuxing"), ("江城", "Jiangcheng"),
    ("金桥", "Jinqiao"), ("青年", "Qingnian"), ("学府", "Xuefu"), ("科技", "Keji"), ("民族", "Minzu"),
    ("工业", "Gongye"), ("临空", "Linkong"), ("高新", "Gaoxin"), ("雄楚", "Xiongchu"), ("珞瑜", "Luoyu"),
]

# Districts: Chinese, pinyin, seed position (km along the river axis, km from the river; + = north).
DISTRICTS = [
    ("江北区", "Jiangbei", (-1.5, 2.6)), ("滨江区", "Binjiang", (0.8, -2.6)),
    ("金桥区", "Jinqiao", (5.0, 3.4)), ("东湖区", "Donghu", (6.5, -4.5)),
    ("西城区", "Xicheng", (-7.5, 3.8)), ("南湖区", "Nanhu", (-6.0, -4.6)),
    ("北湖区", "Beihu", (-2.5, 10.5)), ("临空区", "Linkong", (7.0, 11.0)),
    ("白沙区", "Baisha", (-3.0, -11.0)), ("龙泉区", "Longquan", (10.5, -10.0)),
    ("临港区", "Lingang", (15.0, 2.5)),
]
ADCODE_PREFIX = "4298"

BRIDGE_NAMES = [("鹤鸣洲大桥", "Hemingzhou Bridge"), ("天星洲大桥", "Tianxingzhou Bridge"),
                ("杨柳洲大桥", "Yangliuzhou Bridge"), ("朝阳大桥", "Chaoyang Bridge"),
                ("凤凰大桥", "Fenghuang Bridge"), ("月亮湾大桥", "Yueliangwan Bridge"),
                ("白沙洲大桥", "Baishazhou Bridge"), ("青龙大桥", "Qinglong Bridge"),
                ("江心洲大桥", "Jiangxinzhou Bridge"), ("彩虹大桥", "Caihong Bridge"),
                ("望江大桥", "Wangjiang Bridge"), ("晴川大桥", "Qingchuan Bridge")]

ESTATE_SUFFIXES = [("小区", "Residential Area"), ("花园", "Garden"), ("家园", "Homes"), ("苑", "Court"),
                   ("新村", "New Village"), ("公寓", "Apartments"), ("佳园", "Jiayuan"), ("雅居", "Residence"),
                   ("名都", "Mingdu"), ("华庭", "Huating"), ("社区", "Community"), ("里", "Li")]
ESTATE_STEMS = STEMS + [
    ("阳光", "Yangguang"), ("翠湖", "Cuihu"), ("金色", "Jinse"), ("和谐", "Hexie"), ("书香", "Shuxiang"),
    ("绿洲", "Lüzhou"), ("丽景", "Lijing"), ("江景", "Jiangjing"), ("湖畔", "Hupan"), ("锦江", "Jinjiang"),
    ("万科", "Wanke"), ("保利", "Baoli"), ("中南", "Zhongnan"), ("城市", "Chengshi"), ("世纪", "Shiji"),
    ("盛世", "Shengshi"), ("御景", "Yujing"), ("水岸", "Shui'an"), ("星河", "Xinghe"), ("香榭", "Xiangxie"),
]

COMPANY_STEMS = [
    ("江化", "Jianghua"), ("澜化", "Lanhua"), ("恒通", "Hengtong"), ("中润", "Zhongrun"), ("鑫源", "Xinyuan"),
    ("宏达", "Hongda"), ("金盛", "Jinsheng"), ("华信", "Huaxin"), ("天成", "Tiancheng"), ("瑞丰", "Ruifeng"),
    ("永盛", "Yongsheng"), ("长源", "Changyuan"), ("三江", "Sanjiang"), ("鸿运", "Hongyun"), ("新澜", "Xinlan"),
    ("安泰", "Antai"), ("利华", "Lihua"), ("盛华", "Shenghua"), ("汇能", "Huineng"), ("凯达", "Kaida"),
    ("正元", "Zhengyuan"), ("远洋", "Yuanyang"), ("兴发", "Xingfa"), ("荣达", "Rongda"), ("东晟", "Dongsheng"),
    ("华港", "Huagang"), ("江南", "Jiangnan"), ("楚天", "Chutian"), ("九州", "Jiuzhou"), ("通泰", "Tongtai"),
    ("润泽", "Runze"), ("万隆", "Wanlong"), ("金港", "Jingang"), ("晨光", "Chenguang"), ("旭日", "Xuri"),
    ("华源", "Huayuan"), ("泰和", "Taihe"), ("联合", "Lianhe"), ("顺达", "Shunda"), ("德盛", "Desheng"),
    ("嘉禾", "Jiahe"), ("中天", "Zhongtian"), ("博远", "Boyuan"), ("信诚", "Xincheng"), ("昊华", "Haohua"),
    ("海川", "Haichuan"), ("江汇", "Jianghui"), ("富源", "Fuyuan"), ("隆盛", "Longsheng"), ("恒信", "Hengxin"),
    ("鼎盛", "Dingsheng"), ("裕丰", "Yufeng"), ("华晟", "Huasheng"), ("宝源", "Baoyuan"), ("长兴", "Changxing"),
    ("星火", "Xinghuo"), ("国泰", "Guotai"), ("澄宇", "Chengyu"), ("中捷", "Zhongjie"), ("瑞祥", "Ruixiang"),
    ("龙翔", "Longxiang"), ("吉泰", "Jitai"), ("新海", "Xinhai"), ("蓝天", "Lantian"), ("红日", "Hongri"),
]


class NamePool:
    """Draws names from a pool without repeating until the pool is used up.

    When the pool runs out it starts again with an ordinal ("二" / "2") so names stay unique.
    """

    def __init__(self, pairs, rng: np.random.Generator):
        self._pairs = list(pairs)
        self._rng = rng
        self._round = 0
        self._queue: list[tuple[str, str]] = []

    def take(self) -> tuple[str, str]:
        if not self._queue:
            self._round += 1
            order = self._rng.permutation(len(self._pairs))
            self._queue = [self._pairs[i] for i in order]
        zh, en = self._queue.pop()
        if self._round > 1:
            zh, en = f"{zh}{ORDINALS_ZH[self._round]}", f"{en} {ORDINALS_EN[self._round]}"
        return zh, en


ORDINALS_ZH = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
ORDINALS_EN = ["0th", "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th"]


def short_district(name_zh: str) -> str:
    """江北区 -> 江北 (as used in the names of branch offices)."""
    return name_zh[:-1] if name_zh.endswith("区") else name_zh


def phone_for(owner: str) -> str:
    """A fake duty phone number of a unit, the same every time for the same unit."""
    digits = f"{zlib.crc32(owner.encode('utf-8')):010d}"
    return f"027-8{digits[-3:]}-{digits[-7:-3]}"
