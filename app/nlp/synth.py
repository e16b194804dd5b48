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
from collections.abc import Callable

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
        # A question often follows a sentence of the writer's situation, not of a problem.
        "context": [
            "Anak saya baru lahir bulan lalu.",
            "Saya baru pindah domisili ke {place}.",
            "Orang tua saya sudah lansia dan sulit berjalan.",
            "Saya berencana membuka warung kecil di rumah.",
            "KTP-el saya rusak karena terkena air.",
            "Kami pasangan yang baru menikah dan belum punya KK sendiri.",
            "Saya lulusan SMK dan sedang mencari kerja.",
            "Saya sudah mengajukan berkas sejak {dur}.",
            "Suami saya bekerja di luar kota dan jarang pulang.",
            "Saya pedagang kaki lima di {place}.",
            "Anak saya akan masuk SD tahun depan.",
            "Kami tinggal mengontrak di {place}.",
            "",
            "",
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
            "respon call center sangat lambat dan bertahun-tahun tidak ada perbaikan",
            "aturan baru ini menyulitkan pedagang kecil dan hanya menguntungkan pemodal",
            "pemkot lebih mementingkan proyek mercusuar daripada kebutuhan dasar warga",
            "janji perbaikan drainase sejak kampanye sampai sekarang tidak ditepati",
            "sistem online yang katanya memudahkan justru sering error dan menyulitkan warga",
            "petugas pelayanan sering tidak ada di tempat pada jam kerja, disiplinnya rendah",
            "anggaran perjalanan dinas naik terus padahal jalan kampung dibiarkan rusak",
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


def _distinct(make: Callable[[], str], count: int, tries: int = 4) -> list[str]:
    """Up to ``count`` distinct texts from ``make`` (at most ``count * tries`` calls), sorted."""
    out: set[str] = set()
    for _ in range(count * tries):
        if len(out) >= count:
            break
        out.add(make())
    return sorted(out)


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
            context = _fill(rng.choice(parts.get("context", [""])), rng)
            if context:  # "Saya baru pindah ke X. Mohon izin bertanya, ..."
                opener = f"{context} {opener}".strip()
            if not opener or opener.endswith("."):
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


# ---------------------------------------------------------------------------------------------
# Online-gambling promotion and its look-alikes
# ---------------------------------------------------------------------------------------------
# The open judol set has thousands of spam comments but only a handful of site names, so a
# model can learn the names (PULAU777 -> "pulau" is spam) instead of the promotion. These
# generators show many site names in many disguises, and ordinary comments that use the same
# words (pulau, hoki, menang, gacor, dewa, murah) without promoting anything.

_SITE_HEADS = [
    "dewa", "raja", "hoki", "naga", "mega", "sultan", "jaya", "bos", "ratu", "garuda",
    "zeus", "pola", "kilat", "petir", "bintang", "emas", "cuan", "kusuma", "mandala", "weton",
    "dora", "mpo", "pulau", "gacor", "macan", "elang", "intan", "permata", "sakti", "rezeki",
    "gold", "royal", "lucky", "star", "king", "queen", "alpha", "hero", "nusa", "kapal",
]  # fmt: skip
_SITE_TAILS = [
    "88", "77", "138", "303", "4d", "toto", "slot", "win", "bet", "play", "168", "777",
    "99", "69", "qq", "jp", "spin", "hoki", "maxwin", "855", "4dp", "bola",
]  # fmt: skip

_PROMO = [
    "main di {site} auto jp terus",
    "{site} lagi gacor parah hari ini",
    "modal receh bisa wd jutaan di {site}",
    "rezeki nomplok berkat {site}, alhamdulillah",
    "cobain {site} dijamin nggak nyesel",
    "{site} emang beda, sekali spin langsung maxwin",
    "yang lagi butuh cuan merapat ke {site}",
    "gabung {site} sekarang, bonus new member 100%",
    "depo 20k di {site} pulang bawa 2jt",
    "cuma {site} yang bayar kemenangan tanpa ribet",
    "lagi bokek? main {site} aja, pola gacor tiap malam",
    "ketik {site} di google, rtp tinggi hari ini",
    "berkat {site} cicilan motor lunas",
    "{site} situs terpercaya, wd cepat kilat",
    "akhirnya jp juga di {site}, makasih min",
    "isengiseng main di {site} eh dapet scatter",
    "info slot gacor ada di {site}",
    "yang belum kenal {site} rugi banget",
    "{site} bikin betah, menang terus",
    "hasil main {site} semalam buat bayar kontrakan",
    "pecah lagi di {site}, gas terus bosku",
    "mau cuan tanpa kerja? {site} jawabannya",
    "satu kata buat {site}: mantap",
    "{site} modal kecil untung besar",
    "udah coba {site} belum? sultan semua yang main di sana",
    "kerja capek gaji segitu, mending {site}",
    "{site} anti rungkad, buktikan sendiri",
    "link {site} ada di bio ya",
]  # fmt: skip

_BAIT_HAM = [
    "liburan ke pulau derawan airnya jernih banget",
    "semoga timnas menang lagi malam ini",
    "hoki banget dapat tiket konser di menit terakhir",
    "suara penyanyinya gacor parah, merinding",
    "beli di pasar lebih murah daripada di minimarket",
    "dewa gitar indonesia memang beda kelas",
    "raja ampat itu surga dunia, wajib ke sana sekali seumur hidup",
    "menang lomba tujuh belasan dapat hadiah kipas angin",
    "rezeki anak soleh, dapat diskon makan siang",
    "modal nekat buka usaha bakso, alhamdulillah laris",
    "harganya 25 ribu aja kak, murah meriah",
    "burung kenari tetangga gacor tiap pagi",
    "pulau bawean indah, sayang jarang ada yang tahu",
    "semoga rezekinya lancar terus buat pedagang kecil",
    "cuma hoki atau memang jago ya mainnya tadi",
    "timnya main cantik, kemenangannya layak",
    "beli motor bekas 8 juta masih mulus",
    "kapan giveaway lagi min, mau ikut",
    "nonton final di rumah aja, nggak usah taruhan",
    "kapal ferry ke pulau seribu berangkat jam berapa ya",
    "dapat doorprize kulkas waktu jalan sehat kemarin",
    "naga di film itu efeknya keren banget",
    "sultan mah bebas, beli mobil kayak beli kerupuk",
    "bintang tamu acaranya siapa min",
    "emas antam naik lagi hari ini",
    "dulu main layangan sampai sore, menang terus lawan anak kampung sebelah",
    "kalah menang tetap dukung garuda",
    "angka 777 di plat nomor mobil itu keren",
    "jualan kue lebaran untungnya lumayan buat tambah modal",
    "nabung receh tiap hari akhirnya bisa beli hp",
    "pola makan sehat bikin badan lebih enak",
    "jackpot banget ketemu warung enak di pinggir jalan",
    "mohon berantas judi online, banyak tetangga saya terjerat utang",
    "tolong blokir situs slot, anak muda di kampung kami kecanduan",
    "iklan judol di komentar makin banyak, admin tolong hapus",
    "spin sepeda di gym bikin pegal",
    "cuan dari jualan online lumayan buat ibu rumah tangga",
    "ratu bulutangkis kita juara lagi",
    "macan tutul di kebun binatang baru punya anak",
    "promo tiket kereta murah buat mudik",
]  # fmt: skip

# Styled alphabets (start code points of A and a; digits separately) spammers write in.
_STYLES = [
    (0x1D400, 0x1D41A),  # bold
    (0x1D468, 0x1D482),  # bold italic
    (0x1D5D4, 0x1D5EE),  # sans bold
    (0x1D63C, 0x1D656),  # sans bold italic
    (0x1D608, 0x1D622),  # sans italic
    (0xFF21, 0xFF41),  # fullwidth
]
_DIGIT_STYLES = [0x1D7CE, 0x1D7EC, 0x1D7F6, 0xFF10]
_LOOKALIKE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "r": "я"}
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5"}


def site_name(rng: random.Random, sites: list[str]) -> str:
    """A gambling site name: from ``sites`` (the open list) or made up from parts."""
    if sites and rng.random() < 0.5:
        return rng.choice(sites)
    head = rng.choice(_SITE_HEADS)
    if rng.random() < 0.3:
        head += rng.choice(_SITE_HEADS)
    return head + rng.choice(_SITE_TAILS)


def disguise(name: str, rng: random.Random) -> str:
    """Write a name the way spam does: styled letters, spaced out, look-alikes, leetspeak."""
    style = rng.random()
    chars = list(name.upper() if rng.random() < 0.7 else name)
    if style < 0.15:
        return "".join(chars)
    if style < 0.25:
        return "".join(_LEET.get(c.lower(), c) if rng.random() < 0.5 else c for c in chars)
    upper, lower = rng.choice(_STYLES)
    digit = rng.choice(_DIGIT_STYLES)
    mixed = rng.random() < 0.3

    def one(ch: str) -> str:
        nonlocal upper, lower, digit
        if mixed:
            upper, lower = rng.choice(_STYLES)
        if ch.isdigit():
            return chr(digit + int(ch))
        if "A" <= ch <= "Z":
            return chr(upper + ord(ch) - 65)
        if "a" <= ch <= "z":
            if rng.random() < 0.15 and ch in _LOOKALIKE:
                return _LOOKALIKE[ch]
            return chr(lower + ord(ch) - 97)
        return ch

    out = [one(c) if rng.random() < 0.92 else c for c in chars]
    joiner = " " if style > 0.8 else ""
    text = joiner.join(out)
    if rng.random() < 0.3:
        mark = rng.choice(["🔥", "⚡", "✨", "⭐", "🎯", "💰", "♠", "🚩"])
        text = f"{mark}{text}{mark}"
    return text


def judol_messages(rng: random.Random, sites: list[str], count: int) -> list[str]:
    """Gambling promotion comments with disguised site names (the project's own phrasing)."""

    def make() -> str:
        text = rng.choice(_PROMO).format(site=disguise(site_name(rng, sites), rng))
        if rng.random() < 0.3:
            text = text.lower()
        return text

    return _distinct(make, count, tries=3)


def bait_comments(rng: random.Random, count: int) -> list[str]:
    """Ordinary comments with words that gambling names borrow (none of them promotion)."""

    def make() -> str:
        text = rng.choice(_BAIT_HAM)
        if rng.random() < 0.4:
            text = f"{text} {rng.choice(_BAIT_HAM)}"
        if rng.random() < 0.3:
            text = f"{fake_handle(rng)} {text}"
        if rng.random() < 0.3:
            text += " " + rng.choice(["😂", "🔥", "👍", "🤲", "😍", "wkwk", "mantap", "aamiin"])
        return text

    return _distinct(make, count)


# ---------------------------------------------------------------------------------------------
# Everyday comments with names, model numbers and prices
# ---------------------------------------------------------------------------------------------
# Site names are made of parts (dewa + win, kusuma + toto), so a model can learn the parts: an
# ordinary comment about "edwin" or "xiaomi pad 7" then reads as promotion. Comment sections
# are full of people's and channels' names, gadgets with model numbers, prices and scores; none
# of that is promotion. These comments show them, with the same name parts, in ordinary talk.

_PERSONS = [
    "edwin", "erwin", "darwin", "kevin", "toto", "betty", "alvin", "joko", "bang timo",
    "kang dede", "mas bayu", "teh rina", "pak jokowi", "bu risma", "jefri", "nando", "raffi",
    "coach shin", "marselino", "witan", "jordi", "ernando", "mbak nana", "dimas", "ojan",
    "ustadz adi", "gojo", "naruto", "luffy", "jon", "om deddy", "bang windah", "sule",
]  # fmt: skip
_SYLLABLES = [
    "vo", "lix", "ki", "ko", "vi", "ni", "ar", "zo", "ra", "mi", "tu", "jo", "ka", "no",
    "ri", "sa", "be", "lo", "da", "win", "to", "bet", "ply", "jp", "qi", "xa", "fe", "du",
]  # fmt: skip
_DEVICES = [
    "xiaomi pad {n}", "redmi note {n}", "poco x{n} pro", "iphone {n} pro max", "galaxy a{n}",
    "infinix hot {n}", "vivo y{n}", "oppo reno {n}", "realme {n} pro", "honor x{n}c",
    "ps{n}", "samsung fold {n}", "asus rog phone {n}", "tecno pova {n}", "ipad gen {n}",
]  # fmt: skip
_PRICES = ["{n}jt", "{n} juta", "{n}rb", "rp {n}.000", "{n} jeti", "{n}k", "{n} ribu"]
_EVERYDAY = [
    "bang {person} review {device} dong", "{device} harganya {price} worth it gak sih",
    "mending {device} atau {device} buat ngegame", "baru beli {device} {price} kameranya mantap",
    "kapan {person} upload lagi, udah nunggu dari kemarin", "episode {n} nya kapan keluar min",
    "adegan {person} di chapter {n} bikin merinding", "timnas kalah {score} tapi mainnya lumayan",
    "menang {score} itu hoki doang atau emang jago", "{person} mainnya bagus banget tadi malam",
    "salam dari {city} buat {person}", "terima kasih {person} kontennya selalu bermanfaat",
    "{person} sama {person} cocok jadi duet", "gajinya cuma {price} sebulan mana cukup",
    "iq {n} kok bangga", "harga cabai naik jadi {price} per kilo",
    "lagu {person} yang baru enak banget", "nonton live {person} sampai jam 2 pagi",
    "{person} kalau ketemu {person} pasti seru", "posisi {person} di film itu kasihan banget",
    "gw jual {device} bekas {price} aja", "speaker {device} bagus, baterainya awet",
    "hp {price} sudah dapat {device}", "skor {score} bikin deg-degan sampai menit akhir",
    "semangat garuda muda, {score} bukan akhir", "channel {channel} paling jujur reviewnya",
    "makasih udah nonton {channel}, jangan lupa like dan share", "{channel} hadir bang",
    "{person} bener-bener jago gambarnya", "tiket konser {person} {price}, mahal banget",
    "main {game} sama {person} seru banget", "ranked {game} susah naik sejak season {n}",
    "{person} dari dulu konsisten, salut", "video {n} menit tapi daging semua",
    "kemarin nonton bareng {person} di {city}", "ijazah {person} masih diributin aja",
]  # fmt: skip
_CITIES = ["bogor", "garut", "medan", "makassar", "sleman", "cirebon", "bekasi", "palu"]
_GAMES = ["mobile legends", "free fire", "pubg", "efootball", "minecraft", "valorant"]


def invented_name(rng: random.Random) -> str:
    """A made-up name of a channel or a person (``volix``, ``kikowin``)."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))


def everyday_comments(rng: random.Random, count: int) -> list[str]:
    """Ordinary comments naming people, channels, gadgets, prices and scores (no promotion)."""

    def person() -> str:
        return rng.choice(_PERSONS) if rng.random() < 0.6 else invented_name(rng)

    def number() -> str:
        return str(rng.choice([rng.randint(1, 20), rng.randint(20, 999)]))

    def make() -> str:
        slots: dict[str, Callable[[], str]] = {
            "person": person,
            "channel": lambda: invented_name(rng) + rng.choice(["", "", " tv", " official"]),
            "device": lambda: rng.choice(_DEVICES).format(n=rng.randint(2, 17)),
            "price": lambda: rng.choice(_PRICES).format(n=number()),
            "score": lambda: f"{rng.randint(0, 5)}-{rng.randint(0, 5)}",
            "n": number,
            "city": lambda: rng.choice(_CITIES),
            "game": lambda: rng.choice(_GAMES),
        }
        text = rng.choice(_EVERYDAY)
        for key, fill in slots.items():
            while "{" + key + "}" in text:
                text = text.replace("{" + key + "}", fill(), 1)
        if rng.random() < 0.25:
            text = f"{fake_handle(rng)} {text}"
        if rng.random() < 0.3:
            text += " " + rng.choice(["😂", "🔥", "❤", "🙏", "wkwk", "haha", "😭"])
        if rng.random() < 0.4:  # many comments are typed (or scraped) without punctuation
            text = text.replace(",", "").replace("-", " ")
        return text

    return _distinct(make, count)


# ---------------------------------------------------------------------------------------------
# Short and frustrated reports
# ---------------------------------------------------------------------------------------------
# Real reports are often a bare fragment ("jalan depan sekolah rusak") or carry anger after
# several tries ("sudah lapor tiga kali, percuma"). Both are still `keluhan`: a concrete problem
# at a place. Without them a model reads short or angry text as `kritik`.

_TERSE_PROBLEMS = [
    "jalan {place} rusak", "jalan {place} berlubang", "lubang dalam di {place}",
    "lampu jalan {place} mati", "pju {place} mati total", "got {place} mampet",
    "saluran {place} buntu", "sampah numpuk di {place}", "banjir lagi di {place}",
    "air pdam {place} mati", "pohon {place} hampir tumbang", "dahan pohon {place} kena kabel",
    "paving {place} ambles", "tutup got {place} hilang", "parkir liar {place}",
    "pengamen dan anjal di {place}", "bau sampah di {place}", "kabel menjuntai di {place}",
    "tembok saluran {place} jebol", "genangan {place} gak surut-surut",
    "berkas kk saya belum jadi", "ktp saya sudah {dur} belum jadi", "bansos ibu saya belum cair",
    "lampu merah {place} mati", "jembatan {place} retak", "trotoar {place} dipakai jualan",
    "orang bakar sampah tiap sore di {place}", "suara karaoke {place} sampai jam 2 pagi",
]  # fmt: skip
_TERSE_TAILS = [
    "", "", "", "mohon dicek", "tolong diperbaiki", "mohon ditindak", "bahaya buat anak-anak",
    "sudah {dur}", "kapan diperbaiki", "tolong segera",
]  # fmt: skip
_FRUSTRATION = [
    "sudah lapor berkali-kali belum ada tindakan", "percuma lapor kalau tidak ditanggapi",
    "kesal, sudah {dur} begini", "kecewa, laporan saya kemarin tidak ada kabar",
    "ini laporan ketiga saya", "jangan cuma janji", "warga sudah capek", "parah banget",
    "masak dibiarkan terus", "tolong jangan di-php lagi",
]  # fmt: skip


def terse_reports(rng: random.Random, count: int) -> list[str]:
    """Short informal reports of a concrete problem, some with anger after earlier reports."""

    def make() -> str:
        text = _fill(rng.choice(_TERSE_PROBLEMS), rng)
        tail = _fill(rng.choice(_TERSE_TAILS), rng)
        if tail:
            text = f"{text}, {tail}"
        if rng.random() < 0.35:
            text = f"{text}. {_fill(rng.choice(_FRUSTRATION), rng)}"
        if rng.random() < 0.5:
            text = text.lower()
        elif rng.random() < 0.5:
            text = text[0].upper() + text[1:]
        if rng.random() < 0.3:
            text += rng.choice(["!!", "...", " 🙏", " 😡", "."])
        return text

    return _distinct(make, count)


# A first-person account of one service failure ("Kemarin saya ke kelurahan ... tapi ...") is a
# `keluhan` even when it is long and disappointed; opinions about service in general are `kritik`.
_STORY_START = [
    "Kemarin saya ke {office} untuk {errand}.",
    "Tanggal 3 lalu saya datang ke {office} mau {errand}.",
    "Saya sudah daftar online untuk {errand} di {office}.",
    "Minggu lalu ibu saya ke {office} untuk {errand}.",
    "Saya mau {errand}, sudah bolak-balik ke {office}.",
    "Anak saya perlu {errand}, jadi saya ke {office}.",
    "Pagi tadi saya antre di {office} untuk {errand}.",
]
_STORY_ERRANDS = [  # (office, errand) pairs that belong together
    ("kelurahan", "minta surat keterangan"), ("kelurahan", "urus surat pindah"),
    ("dispendukcapil", "mengurus KK"), ("dispendukcapil", "cetak KTP-el"),
    ("dispendukcapil", "urus akta kelahiran"), ("puskesmas", "minta surat rujukan"),
    ("RSUD", "daftar rawat inap"), ("kantor BPJS", "daftar BPJS"), ("dinas sosial", "cek bansos"),
    ("kantor PDAM", "ganti meteran air"), ("sekolah", "daftar sekolah zonasi"),
    ("kantor pajak daerah", "bayar PBB"), ("mal pelayanan publik", "urus izin usaha"),
]  # fmt: skip
_STORY_FAILURE = [
    "Berkas sudah lengkap tapi katanya data belum masuk sistem.",
    "Sudah menunggu {dur} tapi belum jadi juga.",
    "Petugasnya bilang suruh balik lagi besok terus.",
    "Di aplikasi selalu gagal dan muncul tulisan merah.",
    "Saya malah diminta bayar di luar ketentuan.",
    "Nama saya ternyata tidak terdaftar padahal tahun lalu dapat.",
    "Antrean sudah ditutup jam 10 padahal jadwalnya sampai siang.",
    "Petugasnya tidak ada di tempat dari pagi.", "Saya dilempar dari loket satu ke loket lain.",
]  # fmt: skip
_STORY_FEELING = [
    "", "", "Saya kecewa sekali.", "Jujur kami kerepotan.", "Kasihan warga yang jauh rumahnya.",
    "Padahal saya sudah izin kerja.", "Ini sudah kedua kalinya.",
]  # fmt: skip
_STORY_ASK = [
    "Mohon dibantu.", "Mohon ditindaklanjuti.", "Bagaimana solusinya?", "Tolong dicek datanya.",
    "Mohon petugasnya ditegur.", "",
]  # fmt: skip


def service_stories(rng: random.Random, count: int) -> list[str]:
    """First-person accounts of one concrete service failure, often disappointed (keluhan)."""

    def make() -> str:
        office, errand = rng.choice(_STORY_ERRANDS)
        start = rng.choice(_STORY_START).format(office=office, errand=errand)
        parts = [start, _fill(rng.choice(_STORY_FAILURE), rng)]
        parts += [rng.choice(_STORY_FEELING), rng.choice(_STORY_ASK)]
        text = " ".join(p for p in parts if p)
        if rng.random() < 0.3:
            text = text.lower()
        return text

    return _distinct(make, count)
