"""演示数据: a plausible, deterministic partner archive for a 机电工程学院 of a Hunan vocational college.

`fill_demo(s, size="small")` writes ≈300 enterprises through the services (validation, audit listener);
`size="large"` writes exactly 100,000 with the service's bulk writer add_enterprises (same columns, one
audit row per inserted record; the generator makes valid, normalised records with unique names and codes).
Names and codes depend only on the seed; ids are fresh UUIDs. The caller owns the transaction: a cancel
leaves nothing written.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import threading
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Enterprise
from app.demo.bases import fill_bases
from app.demo.cooperation import fill_cooperation
from app.demo.funds import fill_funds
from app.demo.internships import fill_internships
from app.demo.teachers import fill_teachers
from app.domain.codes import USCC_ALPHABET, uscc_check_char
from app.domain.names import name_key, pinyin_keys
from app.errors import AppError
from app.progress import Progress, noop_progress, tick
from app.services.enterprises import ContactData, EnterpriseData, add_enterprises, create_enterprise
from app.services.settings import CollegeProfile, MajorGroupInfo, PartyDetails, is_configured, save_profile

LARGE_STUDENTS = 20_000  # the large demo's students (each with a planned placement) beyond the small set
SIZES = {"small": 300, "large": 100_000}
CHUNK = 2000

# 专业代码: the national 高职专科 catalogue (2021). 现代农业装备应用技术 is left without one on purpose: the demo
# shows what a missing code looks like (设置 and the tables' 说明 say so).
DEMO_PROFILE = CollegeProfile(
    school="湖南湘麓职业技术学院",
    college="机电工程学院",
    groups=(
        MajorGroupInfo(
            "智能制造专业群",
            ("机电一体化技术", "工业机器人技术", "数控技术", "电气自动化技术"),
            codes=("460301", "460305", "460103", "460306"),
        ),
        MajorGroupInfo(
            "新能源汽车专业群",
            ("新能源汽车技术", "汽车制造与试验技术", "汽车检测与维修技术"),
            codes=("460702", "460701", "500211"),
        ),
        MajorGroupInfo("智慧农机专业群", ("现代农业装备应用技术", "智能控制技术"), codes=("", "460303")),
    ),
)
DEMO_PARTIES = {  # 三方协议 甲方: the school (a public institution: 12 + division + organisation code), the college
    "school": PartyDetails(
        uscc="12430000448801234" + uscc_check_char("12430000448801234"),
        address="湖南省长沙市岳麓区含浦大道88号",
        representative="周建华",
        contact="李敏",
        phone="0731-88123456",
    ),
    "college": PartyDetails(
        address="湖南省长沙市岳麓区含浦大道88号 机电工程学院办公楼",
        representative="陈志刚",
        contact="刘芳",
        phone="0731-88123468",
    ),
}

# city, its short name in company names, city code, districts "name code street/street/…" (real division codes)
REGIONS = (
    (
        "长沙市",
        "长沙",
        "430100",
        40,
        (
            "芙蓉区 430102 五一大道/八一路/远大一路",
            "天心区 430103 芙蓉南路/湘府中路/新姚南路",
            "岳麓区 430104 麓谷大道/岳麓大道/桐梓坡西路/枫林三路",
            "开福区 430105 芙蓉中路/湘江北路/福元西路",
            "雨花区 430111 韶山南路/万家丽中路/环保中路",
            "望城区 430112 金星北路/雷锋大道",
            "长沙县 430121 星沙大道/东六路/漓湘路",
            "浏阳市 430181 金阳大道/康天路",
            "宁乡市 430182 金洲大道/玉潭路",
        ),
    ),
    (
        "株洲市",
        "株洲",
        "430200",
        14,
        (
            "荷塘区 430202 新华东路/红旗北路",
            "芦淞区 430203 建设中路/董家塅大道",
            "石峰区 430204 田心大道/响石路",
            "天元区 430211 株洲大道/黄河南路/栗雨路",
            "醴陵市 430281 瓷城大道/世纪大道",
        ),
    ),
    (
        "湘潭市",
        "湘潭",
        "430300",
        10,
        (
            "雨湖区 430302 建设北路/韶山中路",
            "岳塘区 430304 宝塔路/霞光东路",
            "湘潭县 430321 天易大道",
            "湘乡市 430381 东山大道",
        ),
    ),
    (
        "衡阳市",
        "衡阳",
        "430400",
        6,
        ("珠晖区 430405 东风路", "雁峰区 430406 白沙大道", "蒸湘区 430408 解放大道"),
    ),
    ("邵阳市", "邵阳", "430500", 3, ("双清区 430502 宝庆东路", "大祥区 430503 敏州西路")),
    ("岳阳市", "岳阳", "430600", 6, ("岳阳楼区 430602 巴陵中路/金鹗中路", "云溪区 430603 云溪大道")),
    ("常德市", "常德", "430700", 5, ("武陵区 430702 人民中路/朗州路", "鼎城区 430703 桃花源路")),
    ("张家界市", "张家界", "430800", 1, ("永定区 430802 大庸路",)),
    ("益阳市", "益阳", "430900", 4, ("资阳区 430902 资阳大道", "赫山区 430903 龙岭大道/康富路")),
    ("郴州市", "郴州", "431000", 4, ("北湖区 431002 国庆北路", "苏仙区 431003 郴州大道")),
    ("永州市", "永州", "431100", 2, ("冷水滩区 431103 凤凰路",)),
    ("怀化市", "怀化", "431200", 2, ("鹤城区 431202 迎丰路",)),
    ("娄底市", "娄底", "431300", 3, ("娄星区 431302 长青中街/氐星路", "冷水江市 431381 锑都大道")),
)

# industry, weight, "word in the company name/short form" pairs
INDUSTRIES = (
    (
        "智能制造",
        20,
        "智能装备/智能 智能科技/智能 自动化设备/自动化 精密机械/精密 机器人/机器人 数控设备/数控",
    ),
    ("汽车制造", 14, "汽车零部件/汽车 汽车部件/汽车 汽车电子/汽车电子 新能源汽车/新能源 汽车销售服务/汽车"),
    ("工程机械", 10, "工程机械/机械 重工/重工 机械制造/机械 液压机械/液压"),
    ("轨道交通装备", 6, "轨道交通装备/轨道 轨道交通科技/轨道 电力机车配件/机车"),
    ("电子信息", 10, "电子科技/电子 电子/电子 光电科技/光电 微电子/微电子 通信技术/通信"),
    ("软件和信息技术服务", 8, "软件/软件 信息技术/信息 网络科技/网络 数据科技/数据 数字科技/数字"),
    ("电气设备", 7, "电气/电气 电气设备/电气 电力科技/电力 电器/电器"),
    ("新能源", 5, "新能源科技/新能源 储能科技/储能 光伏科技/光伏 电池材料/电池"),
    ("现代农业", 5, "农业科技/农业 农业发展/农业 种业/种业 农机装备/农机 生态农业/农业"),
    ("食品加工", 4, "食品/食品 食品科技/食品 茶业/茶业 粮油/粮油 米业/米业"),
    ("生物医药", 4, "生物科技/生物 制药/制药 医药/医药 药业/药业"),
    ("物流", 4, "物流/物流 供应链管理/供应链 仓储物流/物流 冷链物流/冷链"),
    ("建筑", 3, "建设工程/建设 建筑工程/建筑 建工/建工 装饰工程/装饰"),
)

BRAND_FIRST = "华中湘楚长新恒鑫宏嘉瑞博泰盛远金天宇联汇润晟卓精正明越创星腾祥德弘永信诚佳启立安康达睿兴海东鼎凯和麓岳潇衡韶"
BRAND_SECOND = "兴盛达通利源泰丰恒信远航宇创联星光明安康科力能瑞锐晟驰拓维智诚峰程辉阳隆发邦合德鑫宝成业鸿展威旺昌洲润峻沃迈捷顺普凯"

SURNAMES = tuple(  # (surname, its pinyin as a surname); common ones repeat to weigh them
    re.fullmatch(r"([^a-z]+)([a-z]+)", s).groups()  # type: ignore[union-attr]
    for s in (
        "王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou 徐xu 孙sun 马ma 朱zhu 胡hu 郭guo 何he "
        "高gao 林lin 罗luo 郑zheng 梁liang 谢xie 宋song 唐tang 许xu 邓deng 彭peng 曾zeng 肖xiao 田tian 袁yuan 蒋jiang "
        "谭tan 刘liu 李li 龚gong 贺he 廖liao 易yi 向xiang 欧阳ouyang 文wen 邹zou 尹yin 龙long 姚yao 毛mao 颜yan"
    ).split()
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚建国志斌鹏宇浩辉俊博文海峰林波宏亮湘"
GIVEN_FEMALE = "芳娜敏静丽艳秀霞桂英红慧婷晨佳琳欣怡涵思雨颖倩玲燕湘"
TITLES = (
    "人力资源部经理",
    "人力资源专员",
    "招聘主管",
    "培训主管",
    "总经理",
    "副总经理",
    "技术总监",
    "生产部经理",
    "综合办主任",
    "行政主管",
    "董事长助理",
    "工程部经理",
)
MOBILE_PREFIXES = tuple(f"13{d}" for d in range(10)) + (
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    *(f"18{d}" for d in range(10)),
    "191",
    "193",
    "195",
    "198",
    "199",
)
MAIL_HOSTS = ("qq.com", "163.com", "126.com", "139.com")
END_REASONS = (
    "企业经营困难，无法继续提供实习岗位",
    "企业整体搬迁出省，合作无法继续",
    "合作协议到期，双方协商不再续签",
    "企业已注销",
    "实习安全条件不达标，经学院研究终止合作",
)
PAUSE_REASONS = ("企业生产任务调整，暂停接收实习生", "企业重组期间暂停合作", "待续签合作协议")
NOTES = (
    "订单班合作企业",
    "共建校外实践教学基地",
    "产业教师来源企业",
    "校友担任技术负责人",
    "参与现代学徒制试点",
    "每年提供岗位实习岗位约{n}个",
    "{y}年签订校企合作框架协议",
)
CATEGORY_ODDS = (  # category, chance, scales it fits
    ("世界500强", 0.004, ("大型",)),
    ("中国500强", 0.015, ("大型",)),
    ("上市公司", 0.05, ("大型", "中型")),
    ("链主企业", 0.03, ("大型", "中型")),
    ("行业龙头企业", 0.06, ("大型", "中型")),
    ("行业特色明显的中小微企业", 0.18, ("中型", "小型", "微型")),
    ("校友企业", 0.08, ("中型", "小型", "微型")),
)
FIRST_DAY, LAST_DAY = dt.date(2015, 1, 1), dt.date(2026, 10, 31)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 (组织机构代码)


class _Generator:
    """Enterprises one after another from one random.Random: the same seed gives the same list."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people = random.Random(
            seed * 7919 + 17
        )  # legal representatives, head counts: rng's stream unchanged
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.regions = [(r, d.split()) for r in REGIONS for d in r[4]]
        self.region_weights = [r[3] / len(r[4]) for r, _ in self.regions]
        self.industries = [(i[0], [tuple(w.split("/")) for w in i[2].split()]) for i in INDUSTRIES]
        self.industry_weights = [i[1] for i in INDUSTRIES]
        self.char_pinyin = {c: pinyin_keys(c)[1] for c in GIVEN_MALE + GIVEN_FEMALE}

    def take(self, n: int) -> Iterator[EnterpriseData]:
        for _ in range(n):
            yield self.enterprise()

    def enterprise(self) -> EnterpriseData:
        rng = self.rng
        (city, city_short, city_code, _, _), (district, district_code, streets) = rng.choices(
            self.regions, self.region_weights
        )[0]
        industry, words = rng.choices(self.industries, self.industry_weights)[0]
        scale = rng.choices(("大型", "中型", "小型", "微型"), (8, 27, 42, 23))[0]
        name, short = self._name(city_short, words, scale)
        status = rng.choices(("合作中", "意向", "暂停", "已解除"), (72, 13, 8, 7))[0]
        start = None if status == "意向" else self._date(FIRST_DAY, LAST_DAY - dt.timedelta(days=200))
        reason, when = "", None
        if status in ("暂停", "已解除"):
            reason = rng.choice(END_REASONS if status == "已解除" else PAUSE_REASONS)
            when = self._date(start + dt.timedelta(days=180), LAST_DAY)
        domain = pinyin_keys(short)[0] + rng.choice((".com", ".com.cn", ".cn"))
        street = rng.choice(streets.split("/"))
        return EnterpriseData(
            name=name,
            uscc=self._uscc(city_code if rng.random() < 0.5 else district_code),
            short_name=short,
            industry=industry,
            region=city + district,
            address=f"湖南省{city}{district}{street}{rng.randint(1, 999)}号",
            legal_representative=self._person(),
            staff_count=self._staff(scale),
            scale=scale,
            categories=self._categories(scale),
            status=status,
            status_reason=reason,
            status_date=when,
            cooperation_start=start,
            website=f"www.{domain}" if rng.random() < 0.4 else "",
            note=self._note(start),
            contacts=tuple(self._contact(domain, i) for i in range(rng.choices((1, 2, 3), (45, 40, 15))[0])),
        )

    def _name(self, city_short: str, words: list[tuple[str, ...]], scale: str) -> tuple[str, str]:
        rng = self.rng
        while True:
            brand = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
            if brand[0] == brand[1]:
                continue
            word, word_short = rng.choice(words)
            if scale == "大型":
                suffix = rng.choices(
                    ("股份有限公司", "有限公司", "集团有限公司", "有限责任公司"), (35, 35, 15, 15)
                )[0]
            else:
                suffix = rng.choices(("有限公司", "有限责任公司", "股份有限公司"), (75, 15, 10))[0]
            prefix = "湖南" if rng.random() < 0.45 else city_short
            name = prefix + brand + word + suffix
            if name_key(name) in self.names:
                continue
            self.names.add(name_key(name))
            short = brand + word_short if rng.random() < 0.7 else city_short + brand
            return name, short

    def _uscc(self, division: str) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.55:  # registered after 2015: MA… organisation code
                body = "MA4" + "".join(rng.choice(USCC_ALPHABET) for _ in range(5))
            else:
                body = "".join(rng.choice("0123456789") for _ in range(8))
            total = sum(int(c, 36) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
            first17 = "91" + division + body + "0123456789X0"[11 - total % 11]  # GB 11714 check: 10→X, 11→0
            code = first17 + uscc_check_char(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _person(self) -> str:
        rng = self.people
        chars = GIVEN_MALE if rng.random() < 0.7 else GIVEN_FEMALE
        return rng.choice(SURNAMES)[0] + "".join(rng.choice(chars) for _ in range(rng.choice((1, 2, 2))))

    def _staff(self, scale: str) -> int | None:
        """在岗职工总数 by scale (统计上大中小微型企业划分办法, 工业: ≥1000 / 300 / 20), unknown for a few."""
        low, high = {"大型": (1000, 12000), "中型": (300, 999), "小型": (20, 299), "微型": (3, 19)}[scale]
        return None if self.people.random() < 0.06 else self.people.randint(low, high)

    def _categories(self, scale: str) -> tuple[str, ...]:
        picked = [c for c, chance, scales in CATEGORY_ODDS if scale in scales and self.rng.random() < chance]
        return tuple(picked[:2])

    def _date(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return last
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def _note(self, start: dt.date | None) -> str:
        if self.rng.random() > 0.25:
            return ""
        if start is None:
            return "有合作意向，待走访洽谈"
        note = self.rng.choice(NOTES)
        return note.format(n=self.rng.choice((5, 8, 10, 15, 20, 30)), y=start.year)

    def _contact(self, domain: str, order: int) -> ContactData:
        rng = self.rng
        surname, surname_py = rng.choice(SURNAMES)
        chars = GIVEN_MALE if rng.random() < 0.55 else GIVEN_FEMALE
        given = "".join(rng.choice(chars) for _ in range(rng.choices((1, 2), (30, 70))[0]))
        given_py = "".join(self.char_pinyin[c] for c in given)
        title = rng.choice(TITLES[:4]) if order == 0 else rng.choice(TITLES)
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if rng.random() < 0.6:
            email = f"{surname_py}{given_py}@{domain}"
        else:
            email = f"{surname_py}{given_py}{rng.randint(1, 999)}@{rng.choice(MAIL_HOSTS)}"
        return ContactData(name=surname + given, title=title, phone=phone, email=email)


# ---------------------------------------------------------------- writing


def fill_demo(
    s: Session,
    *,
    size: str = "small",
    seed: int = 1,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Fill an empty database with demo data; return {Chinese table label: rows written}. Agreements,
    projects, meetings and visits (app/demo/cooperation.py), budgets, ledger entries and assets
    (app/demo/funds.py) are dated relative to `today`; the large demo adds as many ledger entries as
    enterprises, written in bulk."""
    if size not in SIZES:
        raise AppError(f"演示数据规模应为 small 或 large，而不是“{size}”")
    if s.scalar(select(func.count()).select_from(Enterprise)):
        raise AppError("数据库中已有企业数据。演示数据只能填入空数据库，请新建一个数据库后再填入。")
    progress = progress or noop_progress
    counts: dict[str, int] = {}
    if not is_configured(s):
        save_profile(s, DEMO_PROFILE, parties=DEMO_PARTIES)
        counts["专业群"] = len(DEMO_PROFILE.groups)
        counts["专业"] = len(DEMO_PROFILE.majors)
    records = _Generator(seed)
    n = SIZES[size]
    today = today or dt.date.today()
    if size == "small":
        counts.update(_write_with_services(s, records, n, progress, cancel))
        counts.update(
            fill_cooperation(s, seed=seed, today=today, agreements=40, progress=progress, cancel=cancel)
        )
        counts.update(fill_funds(s, seed=seed, today=today, progress=progress, cancel=cancel))
    else:
        counts.update(_write_bulk(s, records, n, progress, cancel))
        counts.update(
            fill_cooperation(
                s,
                seed=seed,
                today=today,
                agreements=n // 5,
                progress=progress,
                cancel=cancel,
                bulk=True,
                at=1.0,
                max_visits=3000,
            )
        )
        counts.update(
            fill_funds(s, seed=seed, today=today, progress=progress, cancel=cancel, at=1.0, bulk_entries=n)
        )
    counts.update(
        fill_teachers(
            s, seed=seed, today=today, progress=progress, cancel=cancel, at=0.995 if size == "small" else 1.0
        )
    )
    at = 0.997 if size == "small" else 1.0
    counts.update(fill_bases(s, seed=seed, today=today, progress=progress, cancel=cancel, at=at))
    at = 0.998 if size == "small" else 1.0
    extra = 0 if size == "small" else LARGE_STUDENTS
    counts.update(
        fill_internships(
            s, seed=seed, today=today, progress=progress, cancel=cancel, at=at, bulk_students=extra
        )
    )
    progress(1.0, "演示数据已生成")
    return counts


def _write_with_services(
    s: Session, records: _Generator, n: int, progress: Progress, cancel: threading.Event | None
) -> dict[str, int]:
    contacts = 0
    for i, data in enumerate(records.take(n)):
        if i % 20 == 0:
            tick(progress, cancel, i / n, f"正在生成合作企业 {i}/{n}")
        create_enterprise(s, data)
        contacts += len(data.contacts)
    return {"合作企业": n, "联系人": contacts}


def _write_bulk(
    s: Session, records: _Generator, n: int, progress: Progress, cancel: threading.Event | None
) -> dict[str, int]:
    counts = {"合作企业": 0, "联系人": 0, "企业类别": 0}
    while counts["合作企业"] < n:
        datas = list(records.take(min(CHUNK, n - counts["合作企业"])))
        add_enterprises(s, datas, cancel=cancel)
        counts["合作企业"] += len(datas)
        counts["联系人"] += sum(len(d.contacts) for d in datas)
        counts["企业类别"] += sum(len(d.categories) for d in datas)
        done = counts["合作企业"]
        tick(progress, cancel, done / n, f"正在写入合作企业 {done}/{n}")
    return counts
