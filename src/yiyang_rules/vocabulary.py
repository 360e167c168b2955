"""The closed vocabularies of the snapshot: activity kinds, institution kinds and the fact keys.

Every enum value carries its Chinese legal term and an English gloss. The sets are closed on
purpose: an unknown key or value in a snapshot is an error, so that a typo such as
``fire_inspetion`` can never read as "no fire inspections". Adding a key here is a
backward-compatible extension of the contract.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple, Self, TypeVar


class Label(NamedTuple):
    zh: str
    en: str


class Term(StrEnum):
    """A closed vocabulary whose every term is declared once — key, Chinese term, English gloss —
    as ``NAME = "key", "中文", "English"``. The key is the member's value (what a snapshot and a rule
    file write); ``label`` feeds the workbook, the messages and the generated docs/snapshot.md.
    Which rules use a term is not declared here but read from the rules themselves (docs/snapshot.md
    lists it), so that it cannot go stale."""

    label: Label

    def __new__(cls, key: str, zh: str = "", en: str = "") -> Self:
        if not zh or not en:
            raise TypeError(f"vocabulary term {key!r} needs its Chinese term and English gloss")
        member = str.__new__(cls, key)
        member._value_ = key
        member.label = Label(zh, en)
        return member


T = TypeVar("T", bound=Term)


def labels_of(vocabulary: type[T]) -> dict[T, Label]:
    """The label of each term of ``vocabulary``, in declaration order."""
    return {term: term.label for term in vocabulary}


class ActivityKind(Term):
    FIRE_INSPECTION = "fire_inspection", "防火检查", "fire inspection"
    FIRE_DRILL = "fire_drill", "消防演练", "fire drill"
    HEALTH_EDUCATION = "health_education", "健康教育或技能培训", "health education or skills training"
    PSYCHOLOGY_LECTURE = "psychology_lecture", "心理健康知识讲座", "mental-health lecture"
    INFECTION_DRILL = "infection_drill", "传染病防控应急演练", "infectious-disease emergency drill"
    ONSITE_HEALTH_CHECKUP = "onsite_health_checkup", "集中上门健康管理服务", "on-site group health management visit"
    EMERGENCY_DRILL = "emergency_drill", "应急演练", "emergency drill"
    STAFF_SAFETY_TRAINING = "staff_safety_training", "全员安全教育培训", "staff safety training"


ACTIVITY_LABELS: dict[ActivityKind, Label] = labels_of(ActivityKind)


class InstitutionKind(Term):
    ELDERLY_CARE = "elderly_care", "养老机构", "elderly-care institution"
    MEDICAL = "medical", "医疗卫生机构", "medical institution"


INSTITUTION_KIND_LABELS: dict[InstitutionKind, Label] = labels_of(InstitutionKind)


class PrimaryCareType(Term):
    COMMUNITY_HEALTH_CENTER = "community_health_center", "社区卫生服务中心", "community health centre"
    COMMUNITY_HEALTH_STATION = "community_health_station", "社区卫生服务站", "community health station"
    TOWNSHIP_HEALTH_CENTER = "township_health_center", "乡镇卫生院", "township health centre"
    VILLAGE_CLINIC = "village_clinic", "村卫生室", "village clinic"
    CLINIC = "clinic", "诊所/医务室/护理站", "clinic, infirmary or nursing station"


PRIMARY_CARE_LABELS: dict[PrimaryCareType, Label] = labels_of(PrimaryCareType)


# The 基层医疗卫生机构 that provide 基本公共卫生服务 and 家庭医生签约服务 to a population: the subjects
# of the family-doctor, health-record and home-round duties. A 诊所/医务室/护理站 (a nursing home's
# in-house infirmary among them) is a 基层医疗卫生机构 in law but has no such population to serve.
COMMUNITY_PUBLIC_HEALTH_TYPES: frozenset[PrimaryCareType] = frozenset(
    {
        PrimaryCareType.COMMUNITY_HEALTH_CENTER,
        PrimaryCareType.COMMUNITY_HEALTH_STATION,
        PrimaryCareType.TOWNSHIP_HEALTH_CENTER,
        PrimaryCareType.VILLAGE_CLINIC,
    }
)


class AgreementRole(Term):
    """Which side of a cooperation agreement (国卫办老龄发〔2020〕23号) the institution is on."""

    MEDICAL_PROVIDER = (
        "medical_provider",
        "提供医疗卫生服务的签约医疗卫生机构",
        "the medical institution that provides services under the agreement",
    )
    ELDERLY_CARE_PARTY = (
        "elderly_care_party",
        "接受服务的签约养老服务机构",
        "the elderly-care institution that receives services under the agreement",
    )


AGREEMENT_ROLE_LABELS: dict[AgreementRole, Label] = labels_of(AgreementRole)


class AssessmentKind(Term):
    ADMISSION = "admission", "入住评估", "admission assessment"
    DYNAMIC = "dynamic", "动态评估", "dynamic assessment"


class Qualification(Term):
    MEDICAL_PRACTICE_LICENSE = (
        "medical_practice_license",
        "《医疗机构执业许可证》",
        "medical institution practice licence",
    )
    CLINIC_FILING = "clinic_filing", "诊所备案/内设医疗机构备案", "clinic filing"
    ELDERLY_CARE_FILING = "elderly_care_filing", "养老机构备案", "elderly-care institution filing"
    BUSINESS_SCOPE_INCLUDES_ELDERLY_CARE = (
        "business_scope_includes_elderly_care",
        "业务（经营）范围包含“养老服务”",
        "business scope includes elderly-care services",
    )


QUALIFICATION_LABELS: dict[Qualification, Label] = labels_of(Qualification)


class PolicyKey(Term):
    """Written systems (制度), plans (预案) and mechanisms (机制) the institution has in place."""

    QUALITY_SAFETY_MANAGEMENT = "quality_safety_management", "质量安全管理制度", "quality and safety management system"
    QUALITY_MANAGEMENT_SYSTEM = "quality_management_system", "质量管理体系", "quality management framework"
    STAFF_POST_RESPONSIBILITY = "staff_post_responsibility", "人员岗位责任制度", "staff post-responsibility system"
    SERVICE_MANAGEMENT = "service_management", "服务管理制度", "service management system"
    MEDICAL_QUALITY_CORE_SYSTEMS = (
        "medical_quality_core_systems",
        "医疗（护理）质量安全核心制度",
        "core systems of medical and nursing quality and safety",
    )
    ADMISSION_ASSESSMENT = "admission_assessment", "入住评估制度", "admission assessment system"
    DYNAMIC_ASSESSMENT = "dynamic_assessment", "入住后动态评估制度", "dynamic assessment after admission"
    MEDICATION_MANAGEMENT = "medication_management", "老年人用药管理制度", "medication management system"
    SELF_BROUGHT_MEDICATION = "self_brought_medication", "老年人自带药品管理制度", "system for residents' own medicines"
    SAFETY_PRODUCTION_RESPONSIBILITY = (
        "safety_production_responsibility",
        "安全生产责任制",
        "work-safety responsibility system",
    )
    SAFETY_PRODUCTION_RULES = "safety_production_rules", "安全生产规章制度", "work-safety rules and regulations"
    DUAL_PREVENTION_MECHANISM = (
        "dual_prevention_mechanism",
        "安全风险分级管控和隐患排查治理双重预防机制",
        "dual prevention mechanism (graded risk control, hazard investigation)",
    )
    EMERGENCY_PLAN = "emergency_plan", "安全生产应急预案", "work-safety emergency plan"
    INFECTION_EMERGENCY_PLAN = (
        "infection_emergency_plan",
        "传染病防控（突发公共卫生事件）应急处置预案",
        "infectious-disease (public-health emergency) response plan",
    )
    INFECTION_CONTROL_MECHANISM = (
        "infection_control_mechanism",
        "传染病防控和院感管理机制",
        "infectious-disease and infection-control mechanism",
    )
    HAZARD_LEDGER = "hazard_ledger", "隐患台账", "hazard ledger"
    EPIDEMIC_REPORTING = (
        "epidemic_reporting",
        "突发公共卫生事件和疑似传染病疫情报告机制",
        "reporting procedure for public-health events",
    )


POLICY_LABELS: dict[PolicyKey, Label] = labels_of(PolicyKey)


class FacilityKey(Term):
    """Building and space facts."""

    ZONED_MANAGEMENT = "zoned_management", "医疗区和养老区分区管理", "separate medical and elderly-care zones"
    ELDERLY_AREA_PHYSICALLY_SEPARATED = (
        "elderly_area_physically_separated",
        "养老服务场所物理隔离、独立设置",
        "elderly-care area physically separated and independent",
    )
    FLAMMABLE_COLOR_STEEL_PLATE_OCCUPIED = (
        "flammable_color_steel_plate_occupied",
        "利用易燃可燃彩钢板材料搭建有人员活动的场所",
        "flammable colour-steel-plate structures used for spaces where people are",
    )
    MEETS_BUILDING_AND_FIRE_REQUIREMENTS = (
        "meets_building_and_fire_requirements",
        "符合相应机构的建筑和消防要求",
        "meets the building and fire requirements of its institution type",
    )
    DEMENTIA_CARE_UNIT = "dementia_care_unit", "失智老年人照护专区（单元）", "dementia care unit"
    MEMORY_CLINIC = "memory_clinic", "记忆门诊", "memory clinic"
    FAMILY_DOCTOR_WORKSTATION = "family_doctor_workstation", "家庭医生工作站", "family-doctor workstation"


FACILITY_LABELS: dict[FacilityKey, Label] = labels_of(FacilityKey)


class PracticeKey(Term):
    """Things the institution does or has arranged, other than written systems."""

    MULTIDISCIPLINARY_TEAM = "multidisciplinary_team", "多学科服务团队", "multidisciplinary service team"
    INTERNAL_REFERRAL_BETWEEN_AREAS = (
        "internal_referral_between_areas",
        "医疗区和养老区之间服务转介与衔接",
        "referral between the medical and elderly-care areas",
    )
    MEDICAL_ELDERLY_INFO_SHARED = (
        "medical_elderly_info_shared",
        "院内老年人医疗与养老服务信息共享共用",
        "medical and care records shared inside the institution",
    )
    QUALITY_IN_INTERNAL_EVALUATION = (
        "quality_in_internal_evaluation",
        "服务质量管理作为内部业务考核评价的重要依据",
        "service quality used in internal performance reviews",
    )
    MEDICATION_HANDLING_PER_PRESCRIPTION = (
        "medication_handling_per_prescription",
        "根据医嘱或处方规范药品收取、预备、派发和分类管理",
        "medicines received, prepared, dispensed and sorted per prescription",
    )
    MEDICATION_MONITORING = "medication_monitoring", "用药监测", "medication monitoring"
    HEALTH_AND_CLUSTER_MONITORING = (
        "health_and_cluster_monitoring",
        "入住老年人和工作人员健康监测和聚集性疫情监测",
        "health and cluster-outbreak monitoring",
    )
    MONITORING_REPORTED_TO_CDC = (
        "monitoring_reported_to_cdc",
        "监测情况向辖区疾病预防控制机构报告",
        "monitoring reported to the district CDC",
    )
    DAILY_PATROL_AND_DUTY = "daily_patrol_and_duty", "日常巡查、值班值守", "daily patrols and duty rosters"
    ELDERLY_CARE_INSTITUTION_REPORTED = (
        "elderly_care_institution_reported",
        "举办养老机构已向卫生健康行政部门报告",
        "its elderly-care institution reported to the health department",
    )
    BED_CONVERSION = "bed_conversion", "医疗床位和养老床位转换", "conversion between medical and care beds"
    BED_CONVERSION_CHANGE_REGISTERED = (
        "bed_conversion_change_registered",
        "床位转换已申请变更登记",
        "bed conversion registered with the licensing authority",
    )
    STAFF_LICENSED = "staff_licensed", "医疗卫生人员持证上岗", "medical staff hold practice certificates"
    COOPERATION_FUNDS_SEPARATE_ACCOUNT = (
        "cooperation_funds_separate_account",
        "合作经费单列备查账管理",
        "cooperation funds kept in a separate memorandum account",
    )
    SERVICES_AND_FEES_PUBLISHED = (
        "services_and_fees_published",
        "服务内容、收费规则对外公示",
        "services and fee rules published",
    )
    COOPERATION_MECHANISM = "cooperation_mechanism", "签约双方沟通协作工作机制", "liaison mechanism with the partner"
    NUTRITION_INSTRUCTOR = "nutrition_instructor", "配备营养指导员", "nutrition instructor on staff"
    PSYCHOLOGICAL_COUNSELLOR = (
        "psychological_counsellor",
        "配备心理辅导人员或专业社会工作者",
        "psychological counsellor or social worker on staff",
    )
    PSYCHOLOGICAL_ASSESSMENT = "psychological_assessment", "老年人心理健康评估", "mental-health assessment of residents"
    TCM_SERVICES = "tcm_services", "中医药服务", "traditional Chinese medicine services"
    STUDENT_INTERNSHIPS = (
        "student_internships",
        "支持教师实践、学生实习",
        "hosts teacher practice and student internships",
    )
    HOME_VISIT_PRICE_PLUS_FEE = (
        "home_visit_price_plus_fee",
        "上门医疗服务按“医药服务价格+上门服务费”收费",
        "home visits charged as service price plus visit fee",
    )
    DUPLICATE_CHARGING_FUNDED_ITEMS = (
        "duplicate_charging_funded_items",
        "对已有经费保障的服务项目重复收费",
        "charging again for items already funded",
    )
    ELDERLY_CARE_INCOME_SEPARATE_ACCOUNT = (
        "elderly_care_income_separate_account",
        "养老服务收入单独核算或单列备查账管理",
        "elderly-care income accounted separately",
    )
    RESPITE_SERVICE = "respite_service", "为家庭护理人员提供喘息服务", "respite service for family carers"
    INFECTION_CONTROL_REQUIREMENTS = (
        "infection_control_requirements",
        "严格执行传染病防控和医疗机构感染防控各项要求",
        "follows infection-control requirements",
    )
    LICENSED_MEDICAL_PRACTICE_ONLY = (
        "licensed_medical_practice_only",
        "诊疗活动依法依规开展（无执业许可或备案不开展诊疗）",
        "medical services provided only lawfully (none without a licence or filing)",
    )
    HOMEBOUND_ELDERLY_LEDGER = (
        "homebound_elderly_ledger",
        "为居家行动不便或确有困难的老年人建立台账",
        "ledger of home-bound elderly people with difficulties",
    )
    REGULAR_HOME_ROUNDS = "regular_home_rounds", "开展定期巡诊服务", "regular home rounds"
    HOME_MEDICAL_SERVICES = (
        "home_medical_services",
        "为居家老年人提供上门医疗服务",
        "provides medical services in elderly people's homes",
    )
    OUTREACH_TEAM_SERVICES = (
        "outreach_team_services",
        "以服务小组（队）等形式上门提供医疗服务和养老服务",
        "service teams visit elderly people at home with medical and care services",
    )
    FAMILY_CARER_REMOTE_GUIDANCE = (
        "family_carer_remote_guidance",
        "通过互联网、电话、信息化平台等为家庭护理人员提供咨询与指导服务",
        "remote advice and guidance for family carers (internet, phone, platforms)",
    )
    YIYANG_INCOME_UNIFIED_MANAGEMENT = (
        "yiyang_income_unified_management",
        "居家医疗、医养结合签约和养老服务收入纳入医疗卫生机构收入统一管理",
        "income from home, contracted and elderly-care services managed with the institution's income",
    )
    PERFORMANCE_PAY_FAVOURS_YIYANG_STAFF = (
        "performance_pay_favours_yiyang_staff",
        "内部绩效分配向提供居家医疗、医养结合等服务的医务人员倾斜",
        "internal performance pay favours staff providing home and 医养结合 services",
    )
    SIGNS_ALL_WILLING_ELDERLY_CARE = (
        "signs_all_willing_elderly_care",
        "对有意愿对接的养老机构做到“应签尽签”",
        "signs with every elderly-care institution willing to cooperate",
    )
    ELDERLY_HEALTH_RECORDS_MAINTAINED = (
        "elderly_health_records_maintained",
        "完善老年人电子健康档案",
        "keeps elderly people's electronic health records complete",
    )
    STAFF_SAFETY_TRAINING = "staff_safety_training", "全员安全教育培训", "safety education and training for all staff"
    REMOTE_SERVICES_COOPERATION = (
        "remote_services_cooperation",
        "与有关医疗机构合作开展远程诊疗、慢性病管理、康复护理指导等服务",
        "remote diagnosis, chronic-disease management or rehabilitation guidance with a medical institution",
    )
    FAMILY_CARER_TRAINING = (
        "family_carer_training",
        "失能老年人家庭照护者知识技能培训",
        "training for family carers of disabled older people",
    )
    FAMILY_DOCTOR_APPOINTMENT_REFERRAL = (
        "family_doctor_appointment_referral",
        "为65岁及以上老年人提供预约转诊等便捷服务",
        "appointment and referral services for people aged 65 or over",
    )
    MULTI_SITE_PRACTICE_FILED = (
        "multi_site_practice_filed",
        "医疗卫生人员多机构执业地点备案",
        "staff's practice at the partner institution filed (多机构执业)",
    )
    MEDICAL_LIABILITY_INSURANCE = (
        "medical_liability_insurance",
        "医疗卫生人员医疗责任险申报缴纳",
        "medical liability insurance taken out for the staff",
    )
    INFECTION_RESPONSIBILITY_LIST = (
        "infection_responsibility_list",
        "落实医疗机构传染病防控责任清单各项任务",
        "the tasks of the medical institutions' infectious-disease responsibility list carried out",
    )
    FREE_HEALTH_CHECKUP_FOR_SIGNED_HOMES = (
        "free_health_checkup_for_signed_homes",
        "为签约养老服务机构内符合条件的65岁及以上老年人提供免费健康体检和健康管理服务",
        "free health check-ups and health management for eligible residents aged 65 or over of the signed homes",
    )


PRACTICE_LABELS: dict[PracticeKey, Label] = labels_of(PracticeKey)


class FactSection(StrEnum):
    """The snapshot sections that hold boolean facts a rule can require."""

    QUALIFICATIONS = "qualifications"
    POLICIES = "policies"
    FACILITIES = "facilities"
    PRACTICES = "practices"


FACT_KEYS: dict[FactSection, frozenset[str]] = {
    FactSection.QUALIFICATIONS: frozenset(Qualification),
    FactSection.POLICIES: frozenset(PolicyKey),
    FactSection.FACILITIES: frozenset(FacilityKey),
    FactSection.PRACTICES: frozenset(PracticeKey),
}

_FACT_LABELS: dict[str, Label] = {
    **{f"qualifications.{k}": v for k, v in QUALIFICATION_LABELS.items()},
    **{f"policies.{k}": v for k, v in POLICY_LABELS.items()},
    **{f"facilities.{k}": v for k, v in FACILITY_LABELS.items()},
    **{f"practices.{k}": v for k, v in PRACTICE_LABELS.items()},
}


_FACT_ITEMS: tuple[tuple[str, str, Label], ...] = tuple(
    (section, key, label)
    for section, labels in (
        ("policies", POLICY_LABELS),
        ("facilities", FACILITY_LABELS),
        ("practices", PRACTICE_LABELS),
    )
    for key, label in labels.items()
)


def fact_label(path: str) -> Label:
    """The bilingual label of a fact path such as ``policies.hazard_ledger``."""
    return _FACT_LABELS.get(path, Label(path, path))


ASSESSMENT_LABELS: dict[AssessmentKind, Label] = labels_of(AssessmentKind)


# Where each part of a snapshot is filled in: the workbook sheet of each top-level snapshot field,
# and the label of each field below it (keys are field paths without list indexes). The workbook
# template, the workbook reader and the findings' "missing" messages all read these two tables,
# so a finding names the sheet and the row or column a person fills in, not a field path. A field
# without an entry keeps its path as its label.
SHEET_LABELS: dict[str, Label] = {
    "schema_version": Label("机构信息", "Institution"),
    "as_of": Label("机构信息", "Institution"),
    "period": Label("机构信息", "Institution"),
    "institution": Label("机构信息", "Institution"),
    "extensions": Label("机构信息", "Institution"),
    "activities": Label("活动记录", "Activities"),
    "residents": Label("入住老年人", "Residents"),
    "residents.assessments": Label("老年人评估", "Assessments"),
    "hazards": Label("隐患台账", "Hazards"),
    "tcm_techniques": Label("中医适宜技术", "TCM techniques"),
    "agreements": Label("签约协议", "Agreements"),
    "quality": Label("质量指标", "Quality"),
    "policies": Label("制度与设施", "Systems and facilities"),
    "facilities": Label("制度与设施", "Systems and facilities"),
    "practices": Label("制度与设施", "Systems and facilities"),
}

FIELD_LABELS: dict[str, Label] = {
    "as_of": Label("评估日", "evaluation date"),
    "period.start": Label("评估期间开始", "period start"),
    "period.end": Label("评估期间结束", "period end"),
    "extensions": Label("扩展数据（JSON）", "extensions (JSON)"),
    "policies": Label("制度类事项", "written systems"),
    "facilities": Label("设施类事项", "facilities"),
    "practices": Label("工作机制与做法类事项", "practices"),
    "institution.id": Label("机构编号（统一社会信用代码）", "institution id"),
    "institution.name": Label("机构名称", "institution name"),
    "institution.province": Label("所在省份", "province"),
    "institution.region_code": Label("行政区划代码", "region code"),
    "institution.kinds": Label("机构类型", "institution kinds"),
    "institution.primary_care_type": Label("基层医疗卫生机构类型", "primary-care type"),
    "institution.public": Label("是否公立机构", "public institution"),
    "institution.extensions": Label("机构扩展数据（JSON）", "institution extensions (JSON)"),
    **{f"institution.qualifications.{k}": v for k, v in QUALIFICATION_LABELS.items()},
    "activities.id": Label("记录编号", "record id"),
    "activities.kind": Label("活动类型", "activity kind"),
    "activities.date": Label("日期", "date"),
    "activities.topic": Label("主题", "topic"),
    "activities.participants": Label("参加人数", "participants"),
    "activities.note": Label("备注", "note"),
    "activities.extensions": Label("扩展数据（JSON）", "extensions (JSON)"),
    "residents.id": Label("老年人编号", "resident id"),
    "residents.admitted": Label("入住日期", "admitted"),
    "residents.discharged": Label("离院日期", "discharged"),
    "residents.age": Label("年龄", "age"),
    "residents.assessments": Label("评估记录", "assessments"),
    "residents.assessments.kind": Label("评估类型", "assessment kind"),
    "residents.assessments.date": Label("评估日期", "assessment date"),
    "residents.service_plan": Label("已制定针对性服务方案", "individual service plan drawn up"),
    "residents.extensions": Label("扩展数据（JSON）", "extensions (JSON)"),
    "quality.pressure_ulcers": Label("压疮", "pressure ulcers"),
    "quality.pressure_ulcers.residents": Label("压疮统计：入住老年人数", "pressure ulcers: residents"),
    "quality.pressure_ulcers.new_grade2_plus": Label(
        "压疮统计：新发Ⅱ度及以上压疮人数", "pressure ulcers: new grade II+ cases"
    ),
    "quality.training": Label("培训", "training"),
    "quality.training.staff_in_scope": Label(
        "培训统计：管理人员和专业技术人员数", "training: managers and professional staff"
    ),
    "quality.training.staff_trained": Label("培训统计：其中已培训人数", "training: of whom trained"),
    "hazards.id": Label("隐患编号", "hazard id"),
    "hazards.found": Label("发现日期", "found"),
    "hazards.rectified": Label("整改完成日期", "rectified"),
    "hazards.plan": Label("整改方案", "rectification plan"),
    "hazards.plan.responsible": Label("整改责任人", "plan: responsible"),
    "hazards.plan.deadline": Label("整改时限", "plan: deadline"),
    "hazards.plan.measures": Label("整改措施", "plan: measures"),
    "hazards.description": Label("隐患描述", "description"),
    "hazards.extensions": Label("扩展数据（JSON）", "extensions (JSON)"),
    "tcm_techniques.name": Label("技术名称", "technique"),
    "tcm_techniques.category": Label("技术类别", "category"),
    "agreements.id": Label("协议编号", "agreement id"),
    "agreements.partner": Label("合作方", "partner"),
    "agreements.signed": Label("签订日期", "signed"),
    "agreements.reported": Label("报备日期", "reported"),
    "agreements.expires": Label("到期日期", "expires"),
    "agreements.renewed": Label("书面续签日期", "renewed"),
    "agreements.terminated": Label("终止日期", "terminated"),
    "agreements.dispute_clause": Label("含纠纷处置责任条款", "dispute clause"),
    "agreements.confidentiality_clause": Label("含保密条款", "confidentiality clause"),
    "agreements.role": Label("本机构在协议中的角色", "this institution's role in the agreement"),
    "agreements.extensions": Label("扩展数据（JSON）", "extensions (JSON)"),
    **{f"{section}.{key}": label for section, key, label in _FACT_ITEMS},
}


def generic_path(path: str) -> str:
    """``residents[3].age`` → ``residents.age``; ``institution.qualifications.x`` stays."""
    return ".".join(part.split("[", 1)[0] for part in path.split("."))


def sheet_of(path: str) -> Label:
    """The workbook sheet where the field at ``path`` is filled in (the path itself if none is)."""
    generic = generic_path(path)
    while generic:
        if generic in SHEET_LABELS:
            return SHEET_LABELS[generic]
        generic = generic.rpartition(".")[0]
    return Label(path, path)


def where_to_fill(path: str) -> Label:
    """``practices.cooperation_mechanism`` → 「制度与设施」：签约双方沟通协作工作机制."""
    sheet = sheet_of(path)
    if sheet == Label(path, path):
        return sheet
    field = FIELD_LABELS.get(generic_path(path))
    if generic_path(path) in SHEET_LABELS:
        return Label(f"「{sheet.zh}」", f"the “{sheet.en}” sheet")
    if field is None:
        return Label(f"「{sheet.zh}」：{path}", f"the “{sheet.en}” sheet: {path}")
    return Label(f"「{sheet.zh}」：{field.zh}", f"the “{sheet.en}” sheet: {field.en}")


def where_to_fill_all(paths: list[str] | tuple[str, ...]) -> Label:
    """Several fields at once, grouped by sheet, each named once (``residents[0].age``,
    ``residents[1].age``… → 「入住老年人」：年龄)."""
    groups: dict[Label, list[Label]] = {}
    for path in paths:
        sheet = sheet_of(path)
        field = FIELD_LABELS.get(generic_path(path))
        fields = groups.setdefault(sheet, [])
        if generic_path(path) in SHEET_LABELS or sheet == Label(path, path):
            continue
        label = field or Label(path, path)
        if label not in fields:
            fields.append(label)
    zh, en = [], []
    for sheet, fields in groups.items():
        if sheet.zh in paths:  # a path without a sheet: the path itself
            zh.append(sheet.zh)
            en.append(sheet.en)
            continue
        zh.append(f"「{sheet.zh}」" + (f"：{'、'.join(f.zh for f in fields)}" if fields else ""))
        en.append(f"the “{sheet.en}” sheet" + (f": {'; '.join(f.en for f in fields)}" if fields else ""))
    return Label("；".join(zh), "; ".join(en))
