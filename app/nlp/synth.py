"""Generated training text, written by the Tanggap team: formal citizen messages and handles.

Two gaps in the open data are filled here:

- The own intent examples are mostly short, casual comments, but many citizens write to a city
  office the way they write a letter: a greeting, the problem and the place, a request, and
  "terima kasih" at the end. `formal_messages` composes such messages from the fragments below
  (the project's own writing, not copied from any data set), so that a polite closing does not
  read as praise and a long complaint does not read as criticism.
- Replies in comment threads often start with the replied-to user's name, and names carry
  digits (``senja_kala778``). Gambling site names look the same (``KING328``). `fake_handle`
  makes such names so that training can show them on ordinary comments too.
"""

from __future__ import annotations

import random

PLACES = [
    "Jl. Melati RT 03", "depan SDN 5", "Kelurahan Sukamaju", "perumahan Griya Asri blok C",
    "gang Mawar II", "simpang empat Pasar Baru", "RW 07 Kecamatan Tegalsari", "Jl. Raya Timur",
    "dekat masjid Al Ikhlas", "belakang terminal lama", "kampung Nelayan", "Jl. Kenanga gg 4",
    "perempatan lampu merah Jl. Sudirman", "depan puskesmas Cempaka", "Desa Sumbersari",
    "taman kota sebelah utara", "jembatan Kali Anyar", "RT 02 RW 05 Karangrejo",
]  # fmt: skip
DURATIONS = [
    "3 hari", "seminggu", "dua minggu", "sebulan lebih", "kemarin sore", "tiga bulan",
    "lima hari", "awal bulan",
]  # fmt: skip

_FRAGMENTS: dict[str, dict[str, list[str]]] = {
    "keluhan": {
        "open": [
            "Selamat pagi, saya warga {place} ingin melaporkan",
            "Mohon izin melapor,",
            "Saya ingin menyampaikan keluhan,",
            "Dengan hormat, kami warga {place} mengadukan bahwa",
            "Lapor,",
            "Assalamualaikum, mohon bantuan,",
            "Yth. Bapak/Ibu, saya mau mengadu,",
            "",
        ],
        "body": [
            "lampu PJU di {place} mati sejak {dur}",
            "jalan di {place} berlubang dan sudah ada pengendara motor yang jatuh",
            "saluran air di {place} tersumbat sehingga air meluap ke jalan setiap hujan",
            "sampah di {place} belum diangkut sejak {dur} dan mulai bau",
            "bantuan sembako untuk keluarga kami belum diterima padahal sudah terdaftar",
            "ada pohon tumbang di {place} yang menutup separuh jalan",
            "setiap malam ada balap liar di {place} yang membahayakan warga",
            "air PDAM di {place} tidak mengalir sejak {dur}",
            "antrean di kantor kelurahan sudah {dur} tapi berkas saya belum diproses",
            "ada bangunan liar berdiri di atas saluran di {place}",
            "parkir liar di {place} membuat macet setiap sore",
            "kabel listrik menjuntai rendah di {place} dan membahayakan anak-anak",
            "rumah warga di {place} terendam banjir setinggi lutut",
            "pengajuan KIS ibu saya ditolak tanpa alasan yang jelas",
            "nama di KK saya salah ketik dan sampai sekarang belum diperbaiki",
            "trotoar di {place} dipakai berjualan sehingga pejalan kaki turun ke jalan",
            "musik dari tempat hiburan di {place} terdengar sampai tengah malam",
            "ada anjing liar di {place} yang sudah menggigit anak tetangga",
            "pintu air di {place} rusak dan tidak bisa ditutup",
            "gorong-gorong di {place} ambles sejak {dur}",
            "KTP-el saya sudah {dur} belum jadi padahal dijanjikan seminggu",
            "lampu lalu lintas di {place} mati sehingga sering hampir tabrakan",
            "bau limbah pabrik di {place} sangat menyengat setiap malam",
            "ada genangan air di {place} yang menjadi sarang nyamuk",
            "petugas di loket {place} meminta uang tambahan untuk mempercepat berkas",
            "bus sekolah tidak lewat di {place} sejak {dur}",
            "tanah di tepi sungai {place} longsor dan mengancam rumah warga",
            "atap ruang kelas di {place} bocor dan hampir roboh",
        ],
        "ask": [
            "Mohon segera ditindaklanjuti.",
            "Mohon bantuannya untuk diperbaiki.",
            "Mohon dinas terkait segera turun ke lokasi.",
            "Kami mohon solusinya.",
            "Tolong segera ditangani sebelum ada korban.",
            "Mohon dicek ke lokasi.",
            "",
        ],
    },
    "pertanyaan": {
        "open": [
            "Selamat siang, mohon informasi",
            "Mohon izin bertanya,",
            "Saya ingin menanyakan",
            "Permisi, boleh tanya",
            "Assalamualaikum, mau tanya",
            "Yth. admin, saya mohon penjelasan",
            "",
        ],
        "body": [
            "apa saja persyaratan untuk mengurus akta kelahiran anak?",
            "jam pelayanan perekaman KTP-el di kecamatan hari Sabtu?",
            "bagaimana cara mendaftar BPJS PBI untuk orang tua saya?",
            "sampai mana status pengajuan bantuan rumah tidak layak huni kami?",
            "apakah pengurusan surat pindah bisa diwakilkan keluarga?",
            "kapan pendaftaran sekolah negeri tahun ini dibuka?",
            "berapa biaya retribusi sampah per bulan untuk rumah tangga?",
            "di mana lokasi vaksinasi terdekat dari {place}?",
            "apa syarat pengajuan izin usaha mikro?",
            "bagaimana cara mengecek tagihan PBB secara online?",
            "apakah ada beasiswa untuk mahasiswa dari keluarga tidak mampu?",
            "nomor pengaduan yang bisa dihubungi kalau ada banjir berapa?",
            "kenapa kartu KIS saya tidak aktif lagi, harus ke mana?",
            "apakah perpanjangan SIM bisa dilakukan di mal pelayanan publik?",
            "kapan jadwal pengambilan sampah di {place}?",
            "bagaimana prosedur mengganti KK yang hilang?",
            "apakah pelatihan kerja gratis dari dinas masih dibuka?",
            "ke mana harus melapor kalau nama tidak ada di DTKS?",
            "berapa lama proses balik nama sertifikat?",
            "apakah warga pendatang bisa ikut program bedah rumah?",
            "saya sudah mengajukan akta kematian sejak {dur}, bagaimana kelanjutannya?",
            "berkas pengajuan KIP anak saya sudah masuk {dur}, apakah sudah diproses?",
            "syarat mengurus surat keterangan domisili untuk usaha apa saja",
            "kalau KTP-el hilang apakah cukup membawa surat kehilangan dari polisi",
            "untuk pengajuan bantuan modal UMKM harus ke dinas mana",
            "saya ingin tahu apakah anak saya terdaftar sebagai penerima PIP",
            "jadwal posyandu di {place} bulan ini kapan",
            "apakah ada layanan jemput bola perekaman KTP-el untuk lansia di {place}",
        ],
        "ask": ["Mohon penjelasannya.", "Mohon infonya.", "Mohon dibalas.", ""],
    },
    "kritik": {
        "open": ["", "", "Mohon maaf,", "Sejujurnya,", "Saya sebagai warga kecewa,"],
        "body": [
            "kinerja dinas terkait sangat lambat dalam menangani aduan warga",
            "pemerintah kota terkesan hanya sibuk pencitraan di media sosial",
            "kebijakan kenaikan tarif parkir ini tidak berpihak kepada rakyat kecil",
            "sangat disayangkan aduan warga jarang sekali dibalas",
            "pembangunan hanya fokus di pusat kota, pinggiran dilupakan",
            "pejabatnya rajin rapat tapi hasilnya tidak terasa di lapangan",
            "anggaran besar tapi pelayanan publik tidak membaik dari tahun ke tahun",
            "program ini kelihatan bagus di spanduk tapi tidak jelas pelaksanaannya",
            "setiap ganti kepala dinas programnya ikut berganti, tidak ada kesinambungan",
            "informasi dari akun resmi sering terlambat dan membingungkan",
            "kebijakan ganjil genap ini dibuat tanpa mendengar pendapat warga",
            "penanganan banjir dari dulu begitu-begitu saja tanpa perubahan",
        ],
        "ask": ["Tolong dievaluasi.", "Mohon dibenahi.", "Malu dengan warga.", ""],
    },
    "saran": {
        "open": ["Saran saya,", "Usul,", "Sekadar masukan,", "Mohon dipertimbangkan,", ""],
        "body": [
            "sebaiknya jadwal pelayanan KTP-el ditambah di hari Sabtu",
            "alangkah baiknya kalau antrean kelurahan memakai nomor online",
            "bagaimana kalau di {place} dipasang lampu tambahan dan CCTV",
            "perlu ada tempat sampah terpilah di setiap taman kota",
            "lebih baik informasi bansos diumumkan juga lewat RT dan RW",
            "sebaiknya disediakan jalur khusus lansia di kantor pelayanan",
            "mungkin bisa dibuat aplikasi untuk melacak status berkas",
            "jalur sepeda di jalan protokol perlu diberi pembatas",
            "sosialisasi program sebaiknya juga menggunakan bahasa daerah",
            "kalau bisa petugas kebersihan ditambah saat musim hujan",
            "alangkah baiknya ruang tunggu puskesmas diberi kipas dan kursi tambahan",
        ],
        "ask": ["Terima kasih.", "Semoga bermanfaat.", "Semoga bisa dipertimbangkan.", ""],
    },
    "apresiasi": {
        "open": ["", "", "Alhamdulillah,", "Kami warga {place}", "Izin menyampaikan,"],
        "body": [
            "terima kasih kepada petugas yang sudah memperbaiki jalan di {place} dengan cepat",
            "mengucapkan terima kasih atas bantuan yang sudah kami terima",
            "salut untuk petugas damkar yang sigap memadamkan kebakaran di {place}",
            "pelayanan di kantor kecamatan sekarang cepat dan ramah, pertahankan",
            "lampu jalan di {place} sudah menyala lagi, terima kasih responnya",
            "bangga dengan taman kota yang sekarang bersih dan nyaman",
            "terima kasih KTP-el saya jadi dalam sehari",
            "semoga Bapak Wali Kota selalu sehat dan sukses memimpin kota ini",
            "selamat atas penghargaan pelayanan publiknya, semoga makin baik",
        ],
        "ask": ["Terima kasih.", "Sukses selalu.", "Matur nuwun.", ""],
    },
    "lainnya": {
        "open": ["", "", "Selamat pagi,"],
        "body": [
            "saya baru pindah ke kota ini dari Medan, salam kenal semua",
            "ada yang mau ikut lomba mancing di waduk minggu depan?",
            "hari ini cuacanya cerah sekali",
            "teringat masa kecil main layangan di lapangan ini",
            "foto yang kedua itu rumah nenek saya dulu",
            "nonton bareng final nanti malam di mana ya rame-rame",
        ],
        "ask": [""],
    },
}
_CLOSINGS = [
    "Terima kasih.",
    "Terima kasih atas perhatiannya.",
    "Terimakasih.",
    "Matur nuwun.",
    "Wassalam.",
    "",
    "",
]


def _fill(text: str, rng: random.Random) -> str:
    return text.format(place=rng.choice(PLACES), dur=rng.choice(DURATIONS))


def formal_messages(rng: random.Random, per_intent: dict[str, int]) -> list[tuple[str, str]]:
    """Compose polite, letter-like citizen messages: ``[(text, intent), ...]``, no duplicates."""
    out: list[tuple[str, str]] = []
    for intent, count in per_intent.items():
        parts = _FRAGMENTS[intent]
        seen: set[str] = set()
        for _ in range(count * 4):
            if len(seen) >= count:
                break
            body = _fill(rng.choice(parts["body"]), rng)
            opener = _fill(rng.choice(parts["open"]), rng)
            if not opener:
                body = body[0].upper() + body[1:]
            closing = rng.choice(_CLOSINGS) if intent != "apresiasi" else ""
            if body.endswith("?") and rng.random() < 0.3:
                body = body[:-1]  # many written questions have no question mark
            pieces = [opener, body if body[-1] in "?.!" else body + ".", rng.choice(parts["ask"])]
            text = " ".join(p for p in [*pieces, closing] if p)
            if text not in seen:
                seen.add(text)
                out.append((text, intent))
    return out


_NAMES = [
    "budi", "siti", "agus", "dewi", "rizky", "putri", "andi", "nurul", "fajar", "indah",
    "yoga", "ayu", "dimas", "rina", "bayu", "sari", "eko", "wulan", "hendra", "lestari",
    "gilang", "nanda", "reza", "tiara", "arif", "fitri", "joko", "maya", "ilham", "citra",
    "kopi", "senja", "langit", "ombak", "rimba", "kucing", "mantan", "gamer", "official",
]  # fmt: skip


def fake_handle(rng: random.Random) -> str:
    """A user name like ``senja_kala778`` or ``budisantoso2291``."""
    first, second = rng.choice(_NAMES), rng.choice(_NAMES)
    joiner = rng.choice(["", "", "_", "."])
    digits = str(rng.randint(1, 9999)) if rng.random() < 0.85 else ""
    return f"{first}{joiner}{second}{digits}"
