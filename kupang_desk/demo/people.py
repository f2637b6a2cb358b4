"""Kupang people for the demo: names as they occur there, birth dates, NIKs consistent with
birth date, sex and kecamatan, and the weighted chooser the generators share."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Sequence

MALE_NAMES = (
    "Yohanes", "Yohanis", "Agustinus", "Yakobus", "Fransiskus", "Yosef", "Petrus", "Paulus",
    "Dominggus", "Marthen", "Ferdinand", "Frederik", "Herman", "Stefanus", "Melkianus",
    "Yeremias", "Obed", "Yunus", "Yance", "Imanuel", "Ricky", "Aldo", "Jefri", "Roni", "Daniel",
    "Samuel", "Simon", "Aleksander", "Markus", "Lukas", "Matius", "Benyamin", "Elias", "Gabriel",
    "Kristian", "Arnoldus", "Hendrik", "Yosua", "Abdul", "Muhammad", "Ahmad", "Hasan", "Ismail",
    "Rafael", "Adrianus", "Sebastianus", "Kornelis", "Nikodemus", "Yulius", "Oktavianus",
)
FEMALE_NAMES = (
    "Maria", "Mariya", "Margaretha", "Katarina", "Elisabeth", "Veronika", "Yuliana", "Novita",
    "Agnes", "Theresia", "Selfina", "Fransina", "Adriana", "Marlin", "Debora", "Yasinta",
    "Florentina", "Anastasia", "Yohana", "Ester", "Rut", "Sara", "Naomi", "Febriani", "Ivon",
    "Kristina", "Lusia", "Martha", "Sisilia", "Imelda", "Yuni", "Dewi", "Siti", "Nur", "Fatimah",
    "Aprilia", "Desiana", "Meliana", "Oktavia", "Angelina", "Delfiana", "Serlin", "Priska",
    "Yovita", "Wilhelmina", "Yosephina", "Herlina", "Santi", "Regina", "Dorkas",
)
FAMILY_NAMES = (
    "Ndun", "Ndolu", "Manafe", "Pah", "Mesah", "Lenggu", "Bire", "Lado", "Bunga", "Kana",
    "Djami", "Raja", "Haba", "Nguru", "Rihi", "Nope", "Tanesib", "Taek", "Benu", "Bani",
    "Sinlae", "Nubatonis", "Tefu", "Bana", "Kase", "Kolo", "Saefatu", "Neolaka", "Banunaek",
    "Tallo", "Fanggidae", "Foeh", "Messakh", "Adoe", "Amalo", "Dethan", "Henukh", "Manoe",
    "Ndoen", "Pellokila", "Riwu", "Mooy", "Toelle", "Tode", "Kore", "Fernandez", "da Silva",
    "Parera", "Wangge", "Tukan", "Lewar", "Koten", "Kelen", "Bere", "Seran", "Nahak", "Leki",
    "Lay", "Ratu", "Ga", "Dima", "Selan", "Umbu", "Kapitan", "Bessie", "Sabaat",
)
RELIGIONS = (("Kristen Protestan", 55), ("Katolik", 33), ("Islam", 10), ("Hindu", 1), ("Buddha", 1))
OCCUPATIONS = ("Petani", "Nelayan", "Wiraswasta", "Pegawai Negeri Sipil", "Karyawan Swasta",
               "Ibu Rumah Tangga", "Pelajar/Mahasiswa", "Buruh", "Sopir", "Tidak Bekerja", "Pensiunan")
EDUCATIONS = ("Tidak/Belum Sekolah", "SD", "SMP", "SMA", "D3", "S1")
STREETS = ("Jl. Frans Seda", "Jl. El Tari", "Jl. Soekarno", "Jl. Timor Raya", "Jl. W.J. Lalamentik",
           "Jl. Perintis Kemerdekaan", "Jl. Adisucipto", "Jl. Sam Ratulangi", "Jl. Cak Doko",
           "Jl. Mohammad Hatta", "Jl. Kejora", "Jl. Bundaran PU", "Jl. Nangka", "Jl. Amabi")

# Diagnosis mix by poli: (ICD-10 code, weight, chronic?). Chronic codes come back as kasus lama.

class Chooser:
    """Weighted choice by bisection: the inner loops make millions of picks."""

    def __init__(self, items: Sequence, weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]



def person_name(rng: random.Random, sex: str) -> str:
    first = rng.choice(MALE_NAMES if sex == "L" else FEMALE_NAMES)
    if rng.random() < 0.35:
        second = rng.choice(MALE_NAMES if sex == "L" else FEMALE_NAMES)
        if second != first:
            first = f"{first} {second}"
    return f"{first} {rng.choice(FAMILY_NAMES)}"


def random_birth_date(rng: random.Random, today: dt.date) -> dt.date:
    # Kupang's age pyramid, roughly: many children and young adults, fewer elderly.
    age = rng.choices((0, 1, 5, 15, 25, 45, 60, 75), weights=(4, 9, 10, 18, 30, 17, 9, 3))[0]
    span = {0: 1, 1: 4, 5: 10, 15: 10, 25: 20, 45: 15, 60: 15, 75: 20}[age]
    days = rng.randrange(int(age * 365.25), int((age + span) * 365.25))
    return today - dt.timedelta(days=days)


def make_nik(rng: random.Random, kecamatan: str, born: dt.date, sex: str, used: set[str]) -> str:
    day = born.day + (40 if sex == "P" else 0)
    stem = f"{kecamatan.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}"
    while True:
        nik = f"{stem}{rng.randrange(1, 10000):04d}"
        if nik not in used:
            used.add(nik)
            return nik
