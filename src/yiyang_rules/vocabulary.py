"""The closed vocabularies of the snapshot: activity kinds, institution kinds and the fact keys.

Every enum value carries its Chinese legal term and an English gloss. The sets are closed on
purpose: an unknown key or value in a snapshot is an error, so that a typo such as
``fire_inspetion`` can never read as "no fire inspections". Adding a key here is a
backward-compatible extension of the contract.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Label(NamedTuple):
    zh: str
    en: str


class ActivityKind(StrEnum):
    FIRE_INSPECTION = "fire_inspection"
    FIRE_DRILL = "fire_drill"
    HEALTH_EDUCATION = "health_education"
    PSYCHOLOGY_LECTURE = "psychology_lecture"
    INFECTION_DRILL = "infection_drill"
    ONSITE_HEALTH_CHECKUP = "onsite_health_checkup"
    EMERGENCY_DRILL = "emergency_drill"
    STAFF_SAFETY_TRAINING = "staff_safety_training"


ACTIVITY_LABELS: dict[ActivityKind, Label] = {
    ActivityKind.FIRE_INSPECTION: Label("防火检查", "fire inspection"),
    ActivityKind.FIRE_DRILL: Label("消防演练", "fire drill"),
    ActivityKind.HEALTH_EDUCATION: Label("健康教育或技能培训", "health education or skills training"),
    ActivityKind.PSYCHOLOGY_LECTURE: Label("心理健康知识讲座", "mental-health lecture"),
    ActivityKind.INFECTION_DRILL: Label("传染病防控应急演练", "infectious-disease emergency drill"),
    ActivityKind.ONSITE_HEALTH_CHECKUP: Label("集中上门健康管理服务", "on-site group health management visit"),
    ActivityKind.EMERGENCY_DRILL: Label("应急演练", "emergency drill"),
    ActivityKind.STAFF_SAFETY_TRAINING: Label("全员安全教育培训", "staff safety training"),
}


class InstitutionKind(StrEnum):
    ELDERLY_CARE = "elderly_care"
    MEDICAL = "medical"


INSTITUTION_KIND_LABELS: dict[InstitutionKind, Label] = {
    InstitutionKind.ELDERLY_CARE: Label("养老机构", "elderly-care institution"),
    InstitutionKind.MEDICAL: Label("医疗卫生机构", "medical institution"),
}


class PrimaryCareType(StrEnum):
    COMMUNITY_HEALTH_CENTER = "community_health_center"
    COMMUNITY_HEALTH_STATION = "community_health_station"
    TOWNSHIP_HEALTH_CENTER = "township_health_center"
    VILLAGE_CLINIC = "village_clinic"
    CLINIC = "clinic"


PRIMARY_CARE_LABELS: dict[PrimaryCareType, Label] = {
    PrimaryCareType.COMMUNITY_HEALTH_CENTER: Label("社区卫生服务中心", "community health centre"),
    PrimaryCareType.COMMUNITY_HEALTH_STATION: Label("社区卫生服务站", "community health station"),
    PrimaryCareType.TOWNSHIP_HEALTH_CENTER: Label("乡镇卫生院", "township health centre"),
    PrimaryCareType.VILLAGE_CLINIC: Label("村卫生室", "village clinic"),
    PrimaryCareType.CLINIC: Label("诊所/医务室/护理站", "clinic, infirmary or nursing station"),
}


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


class AgreementRole(StrEnum):
    """Which side of a cooperation agreement (国卫办老龄发〔2020〕23号) the institution is on."""

    MEDICAL_PROVIDER = "medical_provider"
    ELDERLY_CARE_PARTY = "elderly_care_party"


AGREEMENT_ROLE_LABELS: dict[AgreementRole, Label] = {
    AgreementRole.MEDICAL_PROVIDER: Label(
        "提供医疗卫生服务的签约医疗卫生机构", "the medical institution that provides services under the agreement"
    ),
    AgreementRole.ELDERLY_CARE_PARTY: Label(
        "接受服务的签约养老服务机构", "the elderly-care institution that receives services under the agreement"
    ),
}


class AssessmentKind(StrEnum):
    ADMISSION = "admission"
    DYNAMIC = "dynamic"


class Qualification(StrEnum):
    MEDICAL_PRACTICE_LICENSE = "medical_practice_license"
    CLINIC_FILING = "clinic_filing"
    ELDERLY_CARE_FILING = "elderly_care_filing"
    BUSINESS_SCOPE_INCLUDES_ELDERLY_CARE = "business_scope_includes_elderly_care"


QUALIFICATION_LABELS: dict[Qualification, Label] = {
    Qualification.MEDICAL_PRACTICE_LICENSE: Label("《医疗机构执业许可证》", "medical institution practice licence"),
    Qualification.CLINIC_FILING: Label("诊所备案/内设医疗机构备案", "clinic filing"),
    Qualification.ELDERLY_CARE_FILING: Label("养老机构备案", "elderly-care institution filing"),
    Qualification.BUSINESS_SCOPE_INCLUDES_ELDERLY_CARE: Label(
        "业务（经营）范围包含“养老服务”", "business scope includes elderly-care services"
    ),
}


class PolicyKey(StrEnum):
    """Written systems (制度), plans (预案) and mechanisms (机制) the institution has in place."""

    QUALITY_SAFETY_MANAGEMENT = "quality_safety_management"
    QUALITY_MANAGEMENT_SYSTEM = "quality_management_system"
    STAFF_POST_RESPONSIBILITY = "staff_post_responsibility"
    SERVICE_MANAGEMENT = "service_management"
    MEDICAL_QUALITY_CORE_SYSTEMS = "medical_quality_core_systems"
    ADMISSION_ASSESSMENT = "admission_assessment"
    DYNAMIC_ASSESSMENT = "dynamic_assessment"
    MEDICATION_MANAGEMENT = "medication_management"
    SELF_BROUGHT_MEDICATION = "self_brought_medication"
    SAFETY_PRODUCTION_RESPONSIBILITY = "safety_production_responsibility"
    SAFETY_PRODUCTION_RULES = "safety_production_rules"
    DUAL_PREVENTION_MECHANISM = "dual_prevention_mechanism"
    EMERGENCY_PLAN = "emergency_plan"
    INFECTION_EMERGENCY_PLAN = "infection_emergency_plan"
    INFECTION_CONTROL_MECHANISM = "infection_control_mechanism"
    HAZARD_LEDGER = "hazard_ledger"
    EPIDEMIC_REPORTING = "epidemic_reporting"


POLICY_LABELS: dict[PolicyKey, Label] = {
    PolicyKey.QUALITY_SAFETY_MANAGEMENT: Label("质量安全管理制度", "quality and safety management system"),
    PolicyKey.QUALITY_MANAGEMENT_SYSTEM: Label("质量管理体系", "quality management framework"),
    PolicyKey.STAFF_POST_RESPONSIBILITY: Label("人员岗位责任制度", "staff post-responsibility system"),
    PolicyKey.SERVICE_MANAGEMENT: Label("服务管理制度", "service management system"),
    PolicyKey.MEDICAL_QUALITY_CORE_SYSTEMS: Label(
        "医疗（护理）质量安全核心制度", "core systems of medical and nursing quality and safety"
    ),
    PolicyKey.ADMISSION_ASSESSMENT: Label("入住评估制度", "admission assessment system"),
    PolicyKey.DYNAMIC_ASSESSMENT: Label("入住后动态评估制度", "dynamic assessment after admission"),
    PolicyKey.MEDICATION_MANAGEMENT: Label("老年人用药管理制度", "medication management system"),
    PolicyKey.SELF_BROUGHT_MEDICATION: Label("老年人自带药品管理制度", "system for residents' own medicines"),
    PolicyKey.SAFETY_PRODUCTION_RESPONSIBILITY: Label("安全生产责任制", "work-safety responsibility system"),
    PolicyKey.SAFETY_PRODUCTION_RULES: Label("安全生产规章制度", "work-safety rules and regulations"),
    PolicyKey.DUAL_PREVENTION_MECHANISM: Label(
        "安全风险分级管控和隐患排查治理双重预防机制",
        "dual prevention mechanism (graded risk control, hazard investigation)",
    ),
    PolicyKey.EMERGENCY_PLAN: Label("安全生产应急预案", "work-safety emergency plan"),
    PolicyKey.INFECTION_EMERGENCY_PLAN: Label(
        "传染病防控（突发公共卫生事件）应急处置预案", "infectious-disease (public-health emergency) response plan"
    ),
    PolicyKey.INFECTION_CONTROL_MECHANISM: Label(
        "传染病防控和院感管理机制", "infectious-disease and infection-control mechanism"
    ),
    PolicyKey.HAZARD_LEDGER: Label("隐患台账", "hazard ledger"),
    PolicyKey.EPIDEMIC_REPORTING: Label(
        "突发公共卫生事件和疑似传染病疫情报告机制", "reporting procedure for public-health events"
    ),
}


class FacilityKey(StrEnum):
    """Building and space facts."""

    ZONED_MANAGEMENT = "zoned_management"
    ELDERLY_AREA_PHYSICALLY_SEPARATED = "elderly_area_physically_separated"
    FLAMMABLE_COLOR_STEEL_PLATE_OCCUPIED = "flammable_color_steel_plate_occupied"
    MEETS_BUILDING_AND_FIRE_REQUIREMENTS = "meets_building_and_fire_requirements"
    DEMENTIA_CARE_UNIT = "dementia_care_unit"
    MEMORY_CLINIC = "memory_clinic"
    FAMILY_DOCTOR_WORKSTATION = "family_doctor_workstation"


FACILITY_LABELS: dict[FacilityKey, Label] = {
    FacilityKey.ZONED_MANAGEMENT: Label("医疗区和养老区分区管理", "separate medical and elderly-care zones"),
    FacilityKey.ELDERLY_AREA_PHYSICALLY_SEPARATED: Label(
        "养老服务场所物理隔离、独立设置", "elderly-care area physically separated and independent"
    ),
    FacilityKey.FLAMMABLE_COLOR_STEEL_PLATE_OCCUPIED: Label(
        "利用易燃可燃彩钢板材料搭建有人员活动的场所",
        "flammable colour-steel-plate structures used for spaces where people are",
    ),
    FacilityKey.MEETS_BUILDING_AND_FIRE_REQUIREMENTS: Label(
        "符合相应机构的建筑和消防要求", "meets the building and fire requirements of its institution type"
    ),
    FacilityKey.DEMENTIA_CARE_UNIT: Label("失智老年人照护专区（单元）", "dementia care unit"),
    FacilityKey.MEMORY_CLINIC: Label("记忆门诊", "memory clinic"),
    FacilityKey.FAMILY_DOCTOR_WORKSTATION: Label("家庭医生工作站", "family-doctor workstation"),
}


class PracticeKey(StrEnum):
    """Things the institution does or has arranged, other than written systems."""

    MULTIDISCIPLINARY_TEAM = "multidisciplinary_team"
    INTERNAL_REFERRAL_BETWEEN_AREAS = "internal_referral_between_areas"
    MEDICAL_ELDERLY_INFO_SHARED = "medical_elderly_info_shared"
    QUALITY_IN_INTERNAL_EVALUATION = "quality_in_internal_evaluation"
    MEDICATION_HANDLING_PER_PRESCRIPTION = "medication_handling_per_prescription"
    MEDICATION_MONITORING = "medication_monitoring"
    HEALTH_AND_CLUSTER_MONITORING = "health_and_cluster_monitoring"
    MONITORING_REPORTED_TO_CDC = "monitoring_reported_to_cdc"
    DAILY_PATROL_AND_DUTY = "daily_patrol_and_duty"
    ELDERLY_CARE_INSTITUTION_REPORTED = "elderly_care_institution_reported"
    BED_CONVERSION = "bed_conversion"
    BED_CONVERSION_CHANGE_REGISTERED = "bed_conversion_change_registered"
    STAFF_LICENSED = "staff_licensed"
    COOPERATION_FUNDS_SEPARATE_ACCOUNT = "cooperation_funds_separate_account"
    SERVICES_AND_FEES_PUBLISHED = "services_and_fees_published"
    COOPERATION_MECHANISM = "cooperation_mechanism"
    NUTRITION_INSTRUCTOR = "nutrition_instructor"
    PSYCHOLOGICAL_COUNSELLOR = "psychological_counsellor"
    PSYCHOLOGICAL_ASSESSMENT = "psychological_assessment"
    TCM_SERVICES = "tcm_services"
    STUDENT_INTERNSHIPS = "student_internships"
    HOME_VISIT_PRICE_PLUS_FEE = "home_visit_price_plus_fee"
    DUPLICATE_CHARGING_FUNDED_ITEMS = "duplicate_charging_funded_items"
    ELDERLY_CARE_INCOME_SEPARATE_ACCOUNT = "elderly_care_income_separate_account"
    RESPITE_SERVICE = "respite_service"
    INFECTION_CONTROL_REQUIREMENTS = "infection_control_requirements"
    LICENSED_MEDICAL_PRACTICE_ONLY = "licensed_medical_practice_only"
    HOMEBOUND_ELDERLY_LEDGER = "homebound_elderly_ledger"
    REGULAR_HOME_ROUNDS = "regular_home_rounds"
    HOME_MEDICAL_SERVICES = "home_medical_services"
    OUTREACH_TEAM_SERVICES = "outreach_team_services"
    FAMILY_CARER_REMOTE_GUIDANCE = "family_carer_remote_guidance"
    YIYANG_INCOME_UNIFIED_MANAGEMENT = "yiyang_income_unified_management"
    PERFORMANCE_PAY_FAVOURS_YIYANG_STAFF = "performance_pay_favours_yiyang_staff"
    SIGNS_ALL_WILLING_ELDERLY_CARE = "signs_all_willing_elderly_care"
    ELDERLY_HEALTH_RECORDS_MAINTAINED = "elderly_health_records_maintained"
    STAFF_SAFETY_TRAINING = "staff_safety_training"
    REMOTE_SERVICES_COOPERATION = "remote_services_cooperation"
    FAMILY_CARER_TRAINING = "family_carer_training"
    FAMILY_DOCTOR_APPOINTMENT_REFERRAL = "family_doctor_appointment_referral"
    MULTI_SITE_PRACTICE_FILED = "multi_site_practice_filed"
    MEDICAL_LIABILITY_INSURANCE = "medical_liability_insurance"
    INFECTION_RESPONSIBILITY_LIST = "infection_responsibility_list"
    FREE_HEALTH_CHECKUP_FOR_SIGNED_HOMES = "free_health_checkup_for_signed_homes"


PRACTICE_LABELS: dict[PracticeKey, Label] = {
    PracticeKey.MULTIDISCIPLINARY_TEAM: Label("多学科服务团队", "multidisciplinary service team"),
    PracticeKey.INTERNAL_REFERRAL_BETWEEN_AREAS: Label(
        "医疗区和养老区之间服务转介与衔接", "referral between the medical and elderly-care areas"
    ),
    PracticeKey.MEDICAL_ELDERLY_INFO_SHARED: Label(
        "院内老年人医疗与养老服务信息共享共用", "medical and care records shared inside the institution"
    ),
    PracticeKey.QUALITY_IN_INTERNAL_EVALUATION: Label(
        "服务质量管理作为内部业务考核评价的重要依据", "service quality used in internal performance reviews"
    ),
    PracticeKey.MEDICATION_HANDLING_PER_PRESCRIPTION: Label(
        "根据医嘱或处方规范药品收取、预备、派发和分类管理",
        "medicines received, prepared, dispensed and sorted per prescription",
    ),
    PracticeKey.MEDICATION_MONITORING: Label("用药监测", "medication monitoring"),
    PracticeKey.HEALTH_AND_CLUSTER_MONITORING: Label(
        "入住老年人和工作人员健康监测和聚集性疫情监测", "health and cluster-outbreak monitoring"
    ),
    PracticeKey.MONITORING_REPORTED_TO_CDC: Label(
        "监测情况向辖区疾病预防控制机构报告", "monitoring reported to the district CDC"
    ),
    PracticeKey.DAILY_PATROL_AND_DUTY: Label("日常巡查、值班值守", "daily patrols and duty rosters"),
    PracticeKey.ELDERLY_CARE_INSTITUTION_REPORTED: Label(
        "举办养老机构已向卫生健康行政部门报告",
        "its elderly-care institution reported to the health department",
    ),
    PracticeKey.BED_CONVERSION: Label("医疗床位和养老床位转换", "conversion between medical and care beds"),
    PracticeKey.BED_CONVERSION_CHANGE_REGISTERED: Label(
        "床位转换已申请变更登记", "bed conversion registered with the licensing authority"
    ),
    PracticeKey.STAFF_LICENSED: Label("医疗卫生人员持证上岗", "medical staff hold practice certificates"),
    PracticeKey.COOPERATION_FUNDS_SEPARATE_ACCOUNT: Label(
        "合作经费单列备查账管理", "cooperation funds kept in a separate memorandum account"
    ),
    PracticeKey.SERVICES_AND_FEES_PUBLISHED: Label("服务内容、收费规则对外公示", "services and fee rules published"),
    PracticeKey.COOPERATION_MECHANISM: Label("签约双方沟通协作工作机制", "liaison mechanism with the partner"),
    PracticeKey.NUTRITION_INSTRUCTOR: Label("配备营养指导员", "nutrition instructor on staff"),
    PracticeKey.PSYCHOLOGICAL_COUNSELLOR: Label(
        "配备心理辅导人员或专业社会工作者", "psychological counsellor or social worker on staff"
    ),
    PracticeKey.PSYCHOLOGICAL_ASSESSMENT: Label("老年人心理健康评估", "mental-health assessment of residents"),
    PracticeKey.TCM_SERVICES: Label("中医药服务", "traditional Chinese medicine services"),
    PracticeKey.STUDENT_INTERNSHIPS: Label("支持教师实践、学生实习", "hosts teacher practice and student internships"),
    PracticeKey.HOME_VISIT_PRICE_PLUS_FEE: Label(
        "上门医疗服务按“医药服务价格+上门服务费”收费", "home visits charged as service price plus visit fee"
    ),
    PracticeKey.DUPLICATE_CHARGING_FUNDED_ITEMS: Label(
        "对已有经费保障的服务项目重复收费", "charging again for items already funded"
    ),
    PracticeKey.ELDERLY_CARE_INCOME_SEPARATE_ACCOUNT: Label(
        "养老服务收入单独核算或单列备查账管理", "elderly-care income accounted separately"
    ),
    PracticeKey.RESPITE_SERVICE: Label("为家庭护理人员提供喘息服务", "respite service for family carers"),
    PracticeKey.INFECTION_CONTROL_REQUIREMENTS: Label(
        "严格执行传染病防控和医疗机构感染防控各项要求", "follows infection-control requirements"
    ),
    PracticeKey.LICENSED_MEDICAL_PRACTICE_ONLY: Label(
        "诊疗活动依法依规开展（无执业许可或备案不开展诊疗）",
        "medical services provided only lawfully (none without a licence or filing)",
    ),
    PracticeKey.STAFF_SAFETY_TRAINING: Label("全员安全教育培训", "safety education and training for all staff"),
    PracticeKey.REMOTE_SERVICES_COOPERATION: Label(
        "与有关医疗机构合作开展远程诊疗、慢性病管理、康复护理指导等服务",
        "remote diagnosis, chronic-disease management or rehabilitation guidance with a medical institution",
    ),
    PracticeKey.FAMILY_CARER_TRAINING: Label(
        "失能老年人家庭照护者知识技能培训", "training for family carers of disabled older people"
    ),
    PracticeKey.FAMILY_DOCTOR_APPOINTMENT_REFERRAL: Label(
        "为65岁及以上老年人提供预约转诊等便捷服务", "appointment and referral services for people aged 65 or over"
    ),
    PracticeKey.MULTI_SITE_PRACTICE_FILED: Label(
        "医疗卫生人员多机构执业地点备案", "staff's practice at the partner institution filed (多机构执业)"
    ),
    PracticeKey.MEDICAL_LIABILITY_INSURANCE: Label(
        "医疗卫生人员医疗责任险申报缴纳", "medical liability insurance taken out for the staff"
    ),
    PracticeKey.INFECTION_RESPONSIBILITY_LIST: Label(
        "落实医疗机构传染病防控责任清单各项任务",
        "the tasks of the medical institutions' infectious-disease responsibility list carried out",
    ),
    PracticeKey.FREE_HEALTH_CHECKUP_FOR_SIGNED_HOMES: Label(
        "为签约养老服务机构内符合条件的65岁及以上老年人提供免费健康体检和健康管理服务",
        "free health check-ups and health management for eligible residents aged 65 or over of the signed homes",
    ),
    PracticeKey.HOMEBOUND_ELDERLY_LEDGER: Label(
        "为居家行动不便或确有困难的老年人建立台账", "ledger of home-bound elderly people with difficulties"
    ),
    PracticeKey.REGULAR_HOME_ROUNDS: Label("开展定期巡诊服务", "regular home rounds"),
    PracticeKey.HOME_MEDICAL_SERVICES: Label(
        "为居家老年人提供上门医疗服务", "provides medical services in elderly people's homes"
    ),
    PracticeKey.OUTREACH_TEAM_SERVICES: Label(
        "以服务小组（队）等形式上门提供医疗服务和养老服务",
        "service teams visit elderly people at home with medical and care services",
    ),
    PracticeKey.FAMILY_CARER_REMOTE_GUIDANCE: Label(
        "通过互联网、电话、信息化平台等为家庭护理人员提供咨询与指导服务",
        "remote advice and guidance for family carers (internet, phone, platforms)",
    ),
    PracticeKey.YIYANG_INCOME_UNIFIED_MANAGEMENT: Label(
        "居家医疗、医养结合签约和养老服务收入纳入医疗卫生机构收入统一管理",
        "income from home, contracted and elderly-care services managed with the institution's income",
    ),
    PracticeKey.PERFORMANCE_PAY_FAVOURS_YIYANG_STAFF: Label(
        "内部绩效分配向提供居家医疗、医养结合等服务的医务人员倾斜",
        "internal performance pay favours staff providing home and 医养结合 services",
    ),
    PracticeKey.SIGNS_ALL_WILLING_ELDERLY_CARE: Label(
        "对有意愿对接的养老机构做到“应签尽签”", "signs with every elderly-care institution willing to cooperate"
    ),
    PracticeKey.ELDERLY_HEALTH_RECORDS_MAINTAINED: Label(
        "完善老年人电子健康档案", "keeps elderly people's electronic health records complete"
    ),
}


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


def fact_label(path: str) -> Label:
    """The bilingual label of a fact path such as ``policies.hazard_ledger``."""
    return _FACT_LABELS.get(path, Label(path, path))
