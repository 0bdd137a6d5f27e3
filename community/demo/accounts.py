"""The demo's accounts: one of every role, with their home places and languages, and the e-mail addresses the
rest of the demo names them by. The deputies, moderators and admin sign in with a second factor whose key is
DEMO_TWO_FACTOR_KEY (printed by `flask demo`), except Sergey's account, which shows enrolment at its first sign-in."""

from community.accounts.models import User
from community.accounts.services import create_user, user_by_email
from community.core.db import utcnow
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

# The authenticator key of every demo account with a second factor: add it to an authenticator app by hand, or
# print the code of now with `python -c "import pyotp; print(pyotp.TOTP('HALYKUNIDEMOTOTPKEYFORDEPUTIES22').now())"`.
DEMO_TWO_FACTOR_KEY = "HALYKUNIDEMOTOTPKEYFORDEPUTIES22"  # noqa: S105 - a demo's published key, not a secret
NOT_ENROLLED = {"sergey.deputy@halyk-uni.kz"}

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
            if role is not Role.RESIDENT and email not in NOT_ENROLLED:
                user.totp_secret, user.two_factor_since = DEMO_TWO_FACTOR_KEY, utcnow()
            added += 1
    return added


def people() -> dict[str, User]:
    """Every account by e-mail, for the loaders that name the demo's people."""
    return {user.email: user for user in db.session.scalars(db.select(User))}


def account_lines() -> list[str]:
    """The demo accounts with their roles and passwords, and the second factor's key, for `flask demo` to print."""
    lines = [
        f"  {role.value:<10} {email:<34} {password}"
        + ("  + two-factor code" if role is not Role.RESIDENT and email not in NOT_ENROLLED else "")
        for email, _, role, _, _, password, _ in USERS
    ]
    return [
        *lines,
        f"  Two-factor key of the deputies, moderators and admin: {DEMO_TWO_FACTOR_KEY} (an authenticator app, or",
        f"  python -c \"import pyotp; print(pyotp.TOTP('{DEMO_TWO_FACTOR_KEY}').now())\"); "
        "sergey.deputy sets his up at sign-in.",
    ]
