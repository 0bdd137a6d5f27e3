"""The demo's accounts: one of every role, with their home places and languages, and the e-mail addresses the
rest of the demo names them by."""

from community.accounts.models import User
from community.accounts.services import create_user, user_by_email
from community.core.permissions import Role
from community.extensions import db
from community.places.models import Locality

# (e-mail, name, role, home locality slug, language, password, about)
USERS = [
    (
        "admin@halyk-uni.kz",
        "Сайт әкімшісі",
        Role.ADMIN,
        "konaev",
        "kk",
        "Admin-Halyk-2026",
        "Сайттың техникалық әкімшісі. Есептік жазбалар мен рөлдер бойынша хат жазыңыз.",
    ),
    (
        "aigul.moderator@halyk-uni.kz",
        "Айгүл Сейітова",
        Role.MODERATOR,
        "kaskelen",
        "kk",
        "Moder-Halyk-2026",
        "Пікірталастарды жүргіземін, диалог алаңдарын ұйымдастырамын. Сыпайы болайық!",
    ),
    (
        "daniyar.moderator@halyk-uni.kz",
        "Данияр Омаров",
        Role.MODERATOR,
        "esik",
        "ru",
        "Moder-Halyk-2026",
        "Модератор. Слежу за порядком в обсуждениях Енбекшиказахского района.",
    ),
    (
        "gulnar.deputy@halyk-uni.kz",
        "Гүлнар Әбдіқадырова",
        Role.DEPUTY,
        "uzynagash",
        "kk",
        "Deputat-Halyk-2026",
        "Алматы облыстық мәслихатының депутаты, Жамбыл ауданы бойынша сайлау округі. "
        "Қоғамдық қабылдау — әр айдың бірінші сәрсенбісі.",
    ),
    (
        "erlan.deputy@halyk-uni.kz",
        "Ерлан Жұмабаев",
        Role.DEPUTY,
        "talgar",
        "kk",
        "Deputat-Halyk-2026",
        "Талғар аудандық мәслихатының депутаты. Жастар саясаты мен спорт — басым бағыттарым.",
    ),
    (
        "sergey.deputy@halyk-uni.kz",
        "Сергей Ким",
        Role.DEPUTY,
        "otegen-batyr",
        "ru",
        "Deputat-Halyk-2026",
        "Депутат Илийского районного маслихата. Дороги, водоснабжение, освещение улиц.",
    ),
    (
        "asel@example.kz",
        "Әсел Нұрланқызы",
        Role.RESIDENT,
        "kaskelen",
        "kk",
        "Resident-Halyk-2026",
        "Мұғаліммін, Қаскелеңде тұрамын. Мектеп пен балалар алаңы мәселелері маңызды.",
    ),
    (
        "bauyrzhan@example.kz",
        "Бауыржан Тоқтаров",
        Role.RESIDENT,
        "turgen",
        "kk",
        "Resident-Halyk-2026",
        "Түрген ауылының тұрғыны, көше комитетінің мүшесі.",
    ),
    (
        "olga@example.kz",
        "Ольга Петрова",
        Role.RESIDENT,
        "talgar",
        "ru",
        "Resident-Halyk-2026",
        "Живу в Талгаре, пенсионерка. Интересуют вопросы здравоохранения и транспорта.",
    ),
    (
        "nurzhan@example.kz",
        "Нұржан Серікбаев",
        Role.RESIDENT,
        "shamalgan",
        "kk",
        "Resident-Halyk-2026",
        "Шамалған жастар кеңесінің белсендісі.",
    ),
]

ASEL, BAUYRZHAN, OLGA, NURZHAN = "asel@example.kz", "bauyrzhan@example.kz", "olga@example.kz", "nurzhan@example.kz"
GULNAR, ERLAN, SERGEY = "gulnar.deputy@halyk-uni.kz", "erlan.deputy@halyk-uni.kz", "sergey.deputy@halyk-uni.kz"
AIGUL, DANIYAR = "aigul.moderator@halyk-uni.kz", "daniyar.moderator@halyk-uni.kz"


def load_accounts(by_slug: dict[str, Locality]) -> int:
    """Add the demo accounts that are missing; returns how many were added."""
    added = 0
    for email, name, role, home, locale, password, bio in USERS:
        if user_by_email(email) is None:
            user: User = create_user(email, name, password, role=role, locality_id=by_slug[home].id, locale=locale)
            user.bio = bio
            added += 1
    return added


def people() -> dict[str, User]:
    """Every account by e-mail, for the loaders that name the demo's people."""
    return {user.email: user for user in db.session.scalars(db.select(User))}


def account_lines() -> list[str]:
    """The demo accounts with their roles and passwords, for `flask demo` to print."""
    return [f"  {role.value:<10} {email:<34} {password}" for email, _, role, _, _, password, _ in USERS]
