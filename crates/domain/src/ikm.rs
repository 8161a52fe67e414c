//! The citizen satisfaction survey (SKM) and its index (IKM) as
//! PermenPANRB 14/2017 defines them: nine unsur keyed by a stable code
//! (U1–U9, in the regulation's order — local forms often swap U8 and U9, so
//! never by position), answers 1–4, NRR per unsur, IKM = Σ(NRR × 1/9) × 25
//! with the exact ninth, the quality bands as half-open intervals
//! (D < 65.00 ≤ C < 76.61 ≤ B < 88.31 ≤ A), and the minimum sample from the
//! Krejcie–Morgan table (`data/krejcie_morgan.csv`).

use serde::{Deserialize, Serialize};

/// One unsur: its code, name, the questionnaire's question and the words of
/// its four answers (1 to 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsur {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub question: &'static str,
    pub answers: [&'static str; 4],
    /// The follow-up the SKM report proposes when this unsur scores low
    /// (the office edits the plan before it signs it).
    pub remedy: &'static str,
}

/// The nine unsur in the regulation's order, with the questionnaire's
/// wording (Lampiran PermenPANRB 14/2017).
pub const UNSUR: [Unsur; 9] = [
    Unsur {
        code: "U1",
        name: "Persyaratan",
        name_en: "Requirements",
        question: "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        answers: ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
        remedy: "Meninjau kesesuaian persyaratan dengan jenis layanan, menghapus yang tidak perlu, dan mengumumkannya di loket, laman dan media sosial",
    },
    Unsur {
        code: "U2",
        name: "Sistem, Mekanisme, dan Prosedur",
        name_en: "System, mechanism and procedure",
        question: "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        answers: ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
        remedy: "Menyederhanakan alur layanan, memasang alur di ruang tunggu dan laman, serta memperbanyak permohonan daring",
    },
    Unsur {
        code: "U3",
        name: "Waktu Penyelesaian",
        name_en: "Completion time",
        question: "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        answers: ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
        remedy: "Memantau jam layanan tiap langkah di dasbor, menambah petugas pada langkah yang terlambat, dan memberi tahu pemohon bila ada penundaan",
    },
    Unsur {
        code: "U4",
        name: "Biaya/Tarif",
        name_en: "Cost/fee",
        question: "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        answers: ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
        remedy: "Menegaskan layanan tanpa biaya di loket, laman dan produk layanan, serta membuka kanal pengaduan pungutan",
    },
    Unsur {
        code: "U5",
        name: "Produk Spesifikasi Jenis Pelayanan",
        name_en: "Product of the service",
        question: "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
        answers: ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
        remedy: "Memeriksa mutu produk sebelum diserahkan dan mencocokkannya dengan produk yang tercantum dalam standar pelayanan",
    },
    Unsur {
        code: "U6",
        name: "Kompetensi Pelaksana",
        name_en: "Staff competence",
        question: "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        answers: ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"],
        remedy: "Melatih petugas tentang standar pelayanan dan memperbarui pengetahuan teknis secara berkala",
    },
    Unsur {
        code: "U7",
        name: "Perilaku Pelaksana",
        name_en: "Staff conduct",
        question: "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        answers: [
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ],
        remedy: "Melatih petugas dalam sikap melayani, sopan santun dan keramahan, serta menilai perilaku pelaksana setiap evaluasi",
    },
    Unsur {
        code: "U8",
        name: "Penanganan Pengaduan, Saran dan Masukan",
        name_en: "Handling of complaints, suggestions and feedback",
        question: "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        answers: [
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ],
        remedy: "Menindaklanjuti setiap pengaduan dalam waktu yang ditetapkan dan mengumumkan kanal serta jawaban pengaduan",
    },
    Unsur {
        code: "U9",
        name: "Sarana dan Prasarana",
        name_en: "Facilities",
        question: "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        answers: ["Buruk", "Cukup", "Baik", "Sangat baik"],
        remedy: "Memperbaiki ruang tunggu, loket, toilet, parkir dan akses penyandang disabilitas",
    },
];

/// The respondent profile's choices: (code, Indonesian label).
pub const SEXES: [(&str, &str); 2] = [("l", "Laki-laki"), ("p", "Perempuan")];
pub const AGE_BANDS: [(&str, &str); 6] = [
    ("0-20", "20 tahun ke bawah"),
    ("21-30", "21–30 tahun"),
    ("31-40", "31–40 tahun"),
    ("41-50", "41–50 tahun"),
    ("51-60", "51–60 tahun"),
    ("61+", "di atas 60 tahun"),
];
pub const EDUCATIONS: [(&str, &str); 7] = [
    ("sd", "SD ke bawah"),
    ("smp", "SMP"),
    ("sma", "SMA/SMK"),
    ("diploma", "D1/D2/D3/D4"),
    ("s1", "S1"),
    ("s2", "S2"),
    ("s3", "S3"),
];
pub const OCCUPATIONS: [(&str, &str); 8] = [
    ("pns", "PNS"),
    ("tni", "TNI"),
    ("polri", "POLRI"),
    ("swasta", "Pegawai swasta"),
    ("wirausaha", "Wirausaha"),
    ("pelajar", "Pelajar/mahasiswa"),
    ("irt", "Ibu rumah tangga"),
    ("lainnya", "Lainnya"),
];

/// Who answered (PermenPANRB 14/2017's respondent profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Respondent {
    /// `l` or `p`.
    pub sex: String,
    /// `0-20`, `21-30`, `31-40`, `41-50`, `51-60` or `61+`.
    pub age_band: String,
    /// `sd`, `smp`, `sma`, `diploma`, `s1`, `s2` or `s3`.
    pub education: String,
    /// `pns`, `tni`, `polri`, `swasta`, `wirausaha`, `pelajar`, `irt` or `lainnya`.
    pub occupation: String,
}

/// Bad input in one field of a response: (field, message).
pub type Invalid = (String, String);

impl Respondent {
    pub fn check(&self) -> Result<(), Invalid> {
        let one_of = |field: &str, value: &str, allowed: &[(&str, &str)]| {
            if allowed.iter().any(|(c, _)| *c == value) {
                Ok(())
            } else {
                let codes: Vec<_> = allowed.iter().map(|(c, _)| *c).collect();
                Err((format!("respondent.{field}"), format!("one of: {}", codes.join(", "))))
            }
        };
        one_of("sex", &self.sex, &SEXES)?;
        one_of("age_band", &self.age_band, &AGE_BANDS)?;
        one_of("education", &self.education, &EDUCATIONS)?;
        one_of("occupation", &self.occupation, &OCCUPATIONS)
    }
}

/// A response's nine answers, U1 to U9, each 1–4, read from `{"U1": 3, …}`.
pub fn answers(map: &serde_json::Map<String, serde_json::Value>) -> Result<[u8; 9], Invalid> {
    if let Some(k) = map.keys().find(|k| !UNSUR.iter().any(|u| u.code == k.as_str())) {
        return Err((format!("answers.{k}"), "no such unsur (U1 to U9)".into()));
    }
    let mut out = [0u8; 9];
    for (i, u) in UNSUR.iter().enumerate() {
        let v = map.get(u.code).and_then(serde_json::Value::as_u64);
        out[i] = match v {
            Some(n @ 1..=4) => n as u8,
            _ => return Err((format!("answers.{}", u.code), format!("{}: answer 1 to 4", u.name))),
        };
    }
    Ok(out)
}

/// The sums of each unsur's answers over a set of responses, and how many
/// responses: all the IKM needs, so it can be added up in the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub respondents: u64,
    pub sums: [u64; 9],
}

impl Tally {
    pub fn add(&mut self, answers: &[u8; 9]) {
        self.respondents += 1;
        for (s, a) in self.sums.iter_mut().zip(answers) {
            *s += u64::from(*a);
        }
    }

    /// NRR of each unsur: its sum over the respondents (every response
    /// answers all nine); `None` without responses.
    pub fn nrr(&self) -> Option<[f64; 9]> {
        let n = self.respondents as f64;
        (self.respondents > 0).then(|| self.sums.map(|s| s as f64 / n))
    }

    /// IKM = Σ(NRR × 1/9) × 25, computed as 25 × Σsums / (9 × n) so that
    /// the ninth is exact, not 0.111.
    pub fn ikm(&self) -> Option<f64> {
        let total: u64 = self.sums.iter().sum();
        (self.respondents > 0).then(|| 25.0 * total as f64 / (9.0 * self.respondents as f64))
    }
}

/// The quality band of an IKM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum Mutu {
    A,
    B,
    C,
    D,
}

impl Mutu {
    /// Half-open bands on the exact value: D < 65.00 ≤ C < 76.61 ≤ B < 88.31 ≤ A
    /// (the regulation's table leaves gaps such as 76.605; this closes them).
    pub fn of(ikm: f64) -> Mutu {
        if ikm >= 88.31 {
            Mutu::A
        } else if ikm >= 76.61 {
            Mutu::B
        } else if ikm >= 65.0 {
            Mutu::C
        } else {
            Mutu::D
        }
    }

    /// *Kinerja unit pelayanan*, the band's words.
    pub fn kinerja(self) -> &'static str {
        match self {
            Mutu::A => "Sangat Baik",
            Mutu::B => "Baik",
            Mutu::C => "Kurang Baik",
            Mutu::D => "Tidak Baik",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mutu::A => "A",
            Mutu::B => "B",
            Mutu::C => "C",
            Mutu::D => "D",
        }
    }
}

/// The unsur a follow-up plan takes up, lowest first: those whose NRR is
/// under the lower edge of mutu B (76.61 / 25, an NRR of 3.0644); when
/// none is, the lowest one still (the regulation asks for a plan on the
/// weakest unsur every period).
pub fn follow_up(nrr: &[f64; 9]) -> Vec<&'static Unsur> {
    let mut order: Vec<usize> = (0..9).collect();
    order.sort_by(|a, b| nrr[*a].total_cmp(&nrr[*b]));
    let low: Vec<&Unsur> = order.iter().filter(|i| nrr[**i] * 25.0 < 76.61).map(|i| &UNSUR[*i]).collect();
    if low.is_empty() { order.first().map(|i| vec![&UNSUR[*i]]).unwrap_or_default() } else { low }
}

/// The Krejcie–Morgan table: (population, sample), ascending.
fn table() -> &'static [(u64, u64)] {
    static TABLE: std::sync::OnceLock<Vec<(u64, u64)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../data/krejcie_morgan.csv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("population"))
            .filter_map(|l| l.split_once(','))
            .filter_map(|(n, s)| Some((n.trim().parse().ok()?, s.trim().parse().ok()?)))
            .collect()
    })
}

/// The minimum number of respondents for a population of `n` (the cases
/// of the period): the sample of the table's first row at or above `n`
/// (384 beyond the table), never more than the population itself.
pub fn required_sample(n: u64) -> u64 {
    table().iter().find(|(pop, _)| *pop >= n).map_or(384, |(_, s)| *s).min(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tally(responses: &[[u8; 9]]) -> Tally {
        let mut t = Tally::default();
        responses.iter().for_each(|r| t.add(r));
        t
    }

    #[test]
    fn the_follow_up_takes_the_unsur_under_mutu_b_lowest_first_or_else_the_lowest() {
        let codes = |n: [f64; 9]| follow_up(&n).iter().map(|u| u.code).collect::<Vec<_>>();
        assert_eq!(codes([3.5, 2.9, 3.2, 3.0644, 3.0643, 3.8, 3.1, 2.5, 3.3]), ["U8", "U2", "U5"]);
        assert_eq!(codes([3.5, 3.4, 3.2, 3.7, 3.6, 3.8, 3.1, 3.3, 3.3]), ["U7"]);
    }

    #[test]
    fn a_known_response_set_gives_the_hand_computed_ikm() {
        // Four respondents. Sums per unsur: U1 13, U2 12, U3 10, U4 16,
        // U5 12, U6 12, U7 14, U8 9, U9 11 = 109; IKM = 25 × 109 / 36 = 75.694…
        let t = tally(&[
            [4, 3, 2, 4, 3, 3, 4, 2, 3],
            [3, 3, 3, 4, 3, 3, 3, 2, 3],
            [3, 3, 2, 4, 3, 3, 4, 3, 2],
            [3, 3, 3, 4, 3, 3, 3, 2, 3],
        ]);
        assert_eq!(t.sums, [13, 12, 10, 16, 12, 12, 14, 9, 11]);
        assert_eq!(format!("{:.2}", t.ikm().unwrap()), "75.69");
        assert_eq!(t.nrr().unwrap()[0], 3.25);
        assert_eq!(Mutu::of(t.ikm().unwrap()), Mutu::C);
        // The 0.111 weight would give 75.62: the exact ninth is used.
        let rounded: f64 = t.nrr().unwrap().iter().map(|n| n * 0.111).sum::<f64>() * 25.0;
        assert_eq!(format!("{rounded:.2}"), "75.62");
        assert_eq!(Tally::default().ikm(), None);
    }

    #[test]
    fn band_edges_classify_as_the_regulation_says() {
        for (ikm, mutu, kinerja) in [
            (25.0, Mutu::D, "Tidak Baik"),
            (64.99, Mutu::D, "Tidak Baik"),
            (65.0, Mutu::C, "Kurang Baik"),
            (76.60, Mutu::C, "Kurang Baik"),
            (76.605, Mutu::C, "Kurang Baik"),
            (76.61, Mutu::B, "Baik"),
            (88.30, Mutu::B, "Baik"),
            (88.31, Mutu::A, "Sangat Baik"),
            (100.0, Mutu::A, "Sangat Baik"),
        ] {
            assert_eq!((Mutu::of(ikm), Mutu::of(ikm).kinerja()), (mutu, kinerja), "{ikm}");
        }
    }

    #[test]
    fn krejcie_morgan_from_the_table() {
        for (n, s) in [(5, 5), (10, 10), (50, 44), (100, 80), (101, 86), (500, 217), (1_000, 278)] {
            assert_eq!(required_sample(n), s, "{n}");
        }
        for (n, s) in [(5_000, 357), (10_000, 370), (100_000, 384), (5_000_000, 384)] {
            assert_eq!(required_sample(n), s, "{n}");
        }
        assert_eq!(table().len(), 90, "every row of the published table");
    }

    #[test]
    fn answers_are_read_by_code_and_refused_by_field() {
        let ok: serde_json::Map<_, _> =
            UNSUR.iter().map(|u| (u.code.to_string(), serde_json::json!(4))).collect();
        assert_eq!(answers(&ok), Ok([4; 9]));
        let mut bad = ok.clone();
        bad.insert("U8".into(), serde_json::json!(5));
        assert_eq!(answers(&bad).unwrap_err().0, "answers.U8");
        let mut extra = ok.clone();
        extra.insert("U10".into(), serde_json::json!(1));
        assert_eq!(answers(&extra).unwrap_err().0, "answers.U10");
        let mut missing = ok;
        missing.remove("U3");
        assert_eq!(answers(&missing).unwrap_err().0, "answers.U3");
        let r = Respondent {
            sex: "x".into(),
            age_band: "21-30".into(),
            education: "s1".into(),
            occupation: "pns".into(),
        };
        assert_eq!(r.check().unwrap_err().0, "respondent.sex");
    }

    proptest! {
        #[test]
        fn the_ikm_is_the_weighted_sum_of_the_nrr_within_its_range(
            responses in prop::collection::vec(prop::array::uniform9(1u8..=4), 1..200)
        ) {
            let t = tally(&responses);
            let ikm = t.ikm().unwrap();
            let by_nrr: f64 = t.nrr().unwrap().iter().map(|n| n / 9.0).sum::<f64>() * 25.0;
            prop_assert!((ikm - by_nrr).abs() < 1e-9);
            prop_assert!((25.0..=100.0).contains(&ikm));
            // One more best answer never lowers it; one more worst never raises it.
            let mut better = t;
            better.add(&[4; 9]);
            prop_assert!(better.ikm().unwrap() >= ikm - 1e-9);
            let mut worse = t;
            worse.add(&[1; 9]);
            prop_assert!(worse.ikm().unwrap() <= ikm + 1e-9);
        }

        #[test]
        fn the_required_sample_never_exceeds_the_population_or_384(n in 0u64..2_000_000) {
            let s = required_sample(n);
            prop_assert!(s <= n && s <= 384);
            prop_assert!(required_sample(n + 1) >= s);
        }
    }
}
