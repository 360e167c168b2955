"""Which layer judges an institution: the one resolver of jurisdictions.

From the snapshot's ``region_code`` (an area layer — a city — whose ``pack.yaml`` names a code that
covers it), else its province in any spelling the contract allows (a layer named after the
province's slug), else ``national``. ``--jurisdiction`` forces one by name.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import NamedTuple, Protocol

from .documents import normalise
from .errors import JurisdictionError

NATIONAL = "national"


class Located(Protocol):
    """Where an institution is: the pydantic model's and the engine's Facts' ``institution``."""

    @property
    def province(self) -> str | None: ...

    @property
    def region_code(self) -> str | None: ...


class Province(NamedTuple):
    slug: str
    name: str  # the full Chinese name
    code: str  # GB/T 2260


PROVINCES: tuple[Province, ...] = (
    Province("beijing", "北京市", "110000"),
    Province("tianjin", "天津市", "120000"),
    Province("hebei", "河北省", "130000"),
    Province("shanxi", "山西省", "140000"),
    Province("inner-mongolia", "内蒙古自治区", "150000"),
    Province("liaoning", "辽宁省", "210000"),
    Province("jilin", "吉林省", "220000"),
    Province("heilongjiang", "黑龙江省", "230000"),
    Province("shanghai", "上海市", "310000"),
    Province("jiangsu", "江苏省", "320000"),
    Province("zhejiang", "浙江省", "330000"),
    Province("anhui", "安徽省", "340000"),
    Province("fujian", "福建省", "350000"),
    Province("jiangxi", "江西省", "360000"),
    Province("shandong", "山东省", "370000"),
    Province("henan", "河南省", "410000"),
    Province("hubei", "湖北省", "420000"),
    Province("hunan", "湖南省", "430000"),
    Province("guangdong", "广东省", "440000"),
    Province("guangxi", "广西壮族自治区", "450000"),
    Province("hainan", "海南省", "460000"),
    Province("chongqing", "重庆市", "500000"),
    Province("sichuan", "四川省", "510000"),
    Province("guizhou", "贵州省", "520000"),
    Province("yunnan", "云南省", "530000"),
    Province("tibet", "西藏自治区", "540000"),
    Province("shaanxi", "陕西省", "610000"),
    Province("gansu", "甘肃省", "620000"),
    Province("qinghai", "青海省", "630000"),
    Province("ningxia", "宁夏回族自治区", "640000"),
    Province("xinjiang", "新疆维吾尔自治区", "650000"),
    Province("taiwan", "台湾省", "710000"),
    Province("hong-kong", "香港特别行政区", "810000"),
    Province("macao", "澳门特别行政区", "820000"),
)

_SHORT_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def _short(name: str) -> str:
    for suffix in _SHORT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


_LOOKUP: dict[str, Province] = {}
for _p in PROVINCES:
    for _key in (
        _p.slug,
        _p.slug.replace("-", "_"),
        _p.slug.replace("-", ""),
        _p.name,
        _short(_p.name),
        _p.code,
    ):
        _LOOKUP[normalise(_key).lower()] = _p

ACCEPTED_FORMS = (
    "a slug (beijing, shaanxi, hebei, …), a Chinese name (北京市, 北京, 陕西省, 陕西), "
    "or a GB/T 2260 code (110000, 610000)"
)


def resolve_province(text: str) -> Province:
    found = _LOOKUP.get(normalise(text).lower())
    if found is None:
        raise JurisdictionError(f"unknown province {text!r}; use {ACCEPTED_FORMS}")
    return found


def province_of(institution: Located) -> Province:
    """From ``province``, else from the first two digits of ``region_code``; the two must agree."""
    from_region = None
    if institution.region_code is not None:
        from_region = _LOOKUP.get(institution.region_code[:2] + "0000")
        if from_region is None:
            raise JurisdictionError(
                f"institution.region_code {institution.region_code!r} names no province (first two digits)"
            )
    if institution.province is not None:
        try:
            named = resolve_province(institution.province)
        except JurisdictionError as exc:
            raise JurisdictionError(f"institution.province: {exc}") from None
        if from_region is not None and from_region != named:
            raise JurisdictionError(
                f"institution.province {institution.province!r} and institution.region_code "
                f"{institution.region_code!r} name different provinces"
            )
        return named
    assert from_region is not None  # the snapshot model requires one of the two
    return from_region


def region_prefix(code: str) -> str:
    """The digits of a GB/T 2260 code that name its area: 130100 → 1301 (a city), 130000 → 13."""
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


def layer_named(text: str, layers: Collection[str], regions: Mapping[str, str] | None = None) -> str:
    """``--jurisdiction``: ``national``, a layer's own name (a city layer: ``shijiazhuang``), an area
    layer's region code (130100), or a province in any accepted form. A province without a layer
    of its own is judged by national."""
    key = text.strip().lower()
    if key == NATIONAL or key in layers:
        return key
    if regions and key in regions and regions[key] in layers:
        return regions[key]
    slug = resolve_province(text).slug
    return slug if slug in layers else NATIONAL


def layer_for(institution: Located, layers: Collection[str], regions: Mapping[str, str] | None = None) -> str:
    """The most specific layer that binds ``institution``: an area layer whose region code covers
    the institution's ``region_code`` (the longest such), else the layer of its province, else
    national. ``regions`` maps an area layer's region code to the layer's name."""
    province = province_of(institution)
    code = institution.region_code
    if code is not None and regions:
        covering = [
            (len(prefix), layer)
            for region, layer in regions.items()
            if layer in layers and code.startswith(prefix := region_prefix(region))
        ]
        if covering:
            return max(covering)[1]
    return province.slug if province.slug in layers else NATIONAL
