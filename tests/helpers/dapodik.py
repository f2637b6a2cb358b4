"""Dapodik-shaped "Daftar Peserta Didik" workbooks, built the way the export lays them out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

PARENT = ("Nama", "Tahun Lahir", "Jenjang Pendidikan", "Pekerjaan", "Penghasilan", "NIK")
BEFORE = ("No", "Nama", "NIPD", "JK", "NISN", "Tempat Lahir", "Tanggal Lahir", "NIK", "Agama", "Alamat", "RT", "RW",
          "Dusun", "Kelurahan", "Kecamatan", "Kode Pos", "Jenis Tinggal", "Alat Transportasi", "Telepon", "HP",
          "E-Mail", "SKHUN", "Penerima KPS", "No. KPS")
AFTER = ("Rombel", "No Peserta Ujian Nasional", "No Seri Ijazah", "Penerima KIP", "Nomor KIP", "Nama di KIP",
         "Nomor KKS", "No Registrasi Akta Lahir", "Bank", "Nomor Rekening Bank", "Rekening Atas Nama",
         "Layak PIP (usulan dari sekolah)", "Alasan Layak PIP", "Kebutuhan Khusus", "Sekolah Asal", "Anak ke-berapa",
         "Lintang", "Bujur", "No KK", "Berat Badan", "Tinggi Badan", "Lingkar Kepala", "Jml. Saudara Kandung",
         "Jarak Rumah ke Sekolah (KM)")


def student(**values) -> dict:
    """One student as the export writes them; keys are the header texts (parents as 'Ibu Nama')."""
    row = {
        "Nama": "Maria Bere", "NIPD": "2201", "JK": "P", "NISN": "0151234567", "Tempat Lahir": "Kupang",
        "Tanggal Lahir": "2015-03-12", "NIK": "5371045203150001", "Agama": "Katolik", "Alamat": "Jl. Frans Seda",
        "RT": "004", "RW": "002", "Kelurahan": "Oebobo", "Kecamatan": "Kec. Oebobo", "HP": "081234567890",
        "Penerima KPS": "Tidak", "Ayah Nama": "Yohanes Bere", "Ibu Nama": "Agustina Ndun", "Rombel": "Kelas 5A",
        "Penerima KIP": "Ya", "Nomor KIP": "K7XQ2P", "Nomor KKS": "", "Bank": "BRI",
        "Nomor Rekening Bank": "012301012345501", "Rekening Atas Nama": "Maria Bere",
        "Layak PIP (usulan dari sekolah)": "Ya", "Alasan Layak PIP": "Siswa Miskin/Rentan Miskin",
        "No KK": "5371041501100007",
    }
    row.update(values)
    return row


def headers() -> list[tuple[str, str]]:
    """(group, header) of every column; the group is empty outside the parent columns."""
    columns = [("", h) for h in BEFORE]
    for group in ("Data Ayah", "Data Ibu", "Data Wali"):
        columns += [(group, h) for h in PARENT]
    return columns + [("", h) for h in AFTER]


def write_export(path: Path, students: list[dict], *, blank_rows_at: tuple[int, ...] = (),
                 school: str = "SD INKPRES OEBOBO 2") -> Path:
    """Title rows, the two-row header with merged parent groups, then one row per student."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(["Daftar Peserta Didik"])
    sheet.append([school])
    sheet.append(["Kecamatan Kec. Oebobo, Kota Kupang, Provinsi Nusa Tenggara Timur"])
    sheet.append([f"Tanggal Unduh: {dt.date(2026, 11, 20):%Y-%m-%d} 10:12:01", None, None, "Pengunduh: operator"])
    columns = headers()
    top, bottom = 5, 6
    for index, (group, header) in enumerate(columns, start=1):
        if group:
            if header == PARENT[0]:
                sheet.cell(row=top, column=index, value=group)
                sheet.merge_cells(start_row=top, start_column=index, end_row=top, end_column=index + len(PARENT) - 1)
            sheet.cell(row=bottom, column=index, value=header)
        else:
            sheet.cell(row=top, column=index, value=header)
            sheet.merge_cells(start_row=top, start_column=index, end_row=bottom, end_column=index)
    row_number = bottom + 1
    for number, values in enumerate(students, start=1):
        if number in blank_rows_at:
            row_number += 1  # a blank row left in the middle of the list
        for index, (group, header) in enumerate(columns, start=1):
            key = f"{group.split()[-1]} {header}" if group else header
            value = number if header == "No" and not group else values.get(key)
            sheet.cell(row=row_number, column=index, value=value)
        row_number += 1
    workbook.save(path)
    return path
