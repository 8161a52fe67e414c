//! PDF letters in the offices' own form: A4, kop surat (government, office
//! name, address), title and number, the body, place and date in
//! Indonesian long form, the signature block (with room for a wet
//! signature and stamp where a standard requires them) and a QR code.
//! Built with krilla (a maintained PDF library); text stays extractable.

use chrono::{Datelike, NaiveDate};
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use std::sync::LazyLock;

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Parsed once: the fonts are embedded in the binary (DejaVu, free licence).
pub(crate) static FONTS: LazyLock<Option<Fonts>> = LazyLock::new(Fonts::load);

pub(crate) struct Fonts {
    pub(crate) regular: Font,
    pub(crate) bold: Font,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
}

impl Fonts {
    fn load() -> Option<Fonts> {
        Some(Fonts {
            regular: Font::new(REGULAR.to_vec().into(), 0)?,
            bold: Font::new(BOLD.to_vec().into(), 0)?,
            regular_face: ttf_parser::Face::parse(REGULAR, 0).ok()?,
            bold_face: ttf_parser::Face::parse(BOLD, 0).ok()?,
        })
    }

    /// Width of `text` at `size` points (advances, no kerning: enough to wrap).
    pub(crate) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold_face } else { &self.regular_face };
        let units = f32::from(face.units_per_em());
        text.chars()
            .map(|c| {
                face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(0.5 * units, f32::from)
            })
            .sum::<f32>()
            * size
            / units
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the embedded fonts could not be loaded")]
    Fonts,
    #[error("the QR code cannot hold this text: {0}")]
    Qr(String),
    #[error("PDF: {0}")]
    Pdf(String),
}

/// The kop surat.
#[derive(Debug, Clone)]
pub struct Letterhead {
    /// `PEMERINTAH KABUPATEN JEPARA`.
    pub government: String,
    /// `DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL`.
    pub office: String,
    /// Address, phone, website, email: each a line when known.
    pub lines: Vec<String>,
    /// The office's logo (PNG or JPEG), drawn at the left of the kop surat.
    pub logo: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct Signer {
    /// `Jepara`: the place before the date.
    pub place: String,
    /// `Kepala Dinas Kependudukan dan Pencatatan Sipil`.
    pub position: String,
    pub name: String,
    pub nip: Option<String>,
    /// Leave room for a wet signature and stamp (Bengkulu).
    pub wet_signature: bool,
}

#[derive(Debug, Clone)]
pub struct Letter {
    pub title: String,
    pub number: String,
    pub date: NaiveDate,
    pub paragraphs: Vec<String>,
    pub signer: Signer,
    /// What the QR code encodes (the verification URL and signed payload).
    pub qr: String,
    /// The caption under the QR code.
    pub qr_caption: String,
}

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// `24 November 2026`.
pub fn tanggal(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

pub(crate) const A4: (f32, f32) = (595.28, 841.89);
pub(crate) const MARGIN: f32 = 56.7;

/// Greedy line breaking on spaces.
pub(crate) fn wrap(fonts: &Fonts, text: &str, size: f32, width: f32, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    for para_line in text.lines() {
        let mut line = String::new();
        for word in para_line.split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if fonts.width(&candidate, size, bold) > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            } else {
                line = candidate;
            }
        }
        lines.push(line);
    }
    lines
}

pub(crate) struct Pen<'a> {
    pub(crate) fonts: &'a Fonts,
    /// The baseline of the last line drawn, in points from the top.
    pub(crate) y: f32,
}

impl Pen<'_> {
    pub(crate) fn text(
        &mut self,
        surface: &mut krilla::surface::Surface<'_>,
        x: f32,
        text: &str,
        size: f32,
        bold: bool,
    ) {
        let font = if bold { self.fonts.bold.clone() } else { self.fonts.regular.clone() };
        surface.draw_text(Point::from_xy(x, self.y), font, size, text, false, TextDirection::Auto);
    }

    pub(crate) fn centered(
        &mut self,
        surface: &mut krilla::surface::Surface<'_>,
        text: &str,
        size: f32,
        bold: bool,
    ) {
        for line in wrap(self.fonts, text, size, A4.0 - 2.0 * MARGIN, bold) {
            let x = (A4.0 - self.fonts.width(&line, size, bold)) / 2.0;
            self.y += size * 1.3;
            self.text(surface, x, &line, size, bold);
        }
    }

    pub(crate) fn rule(&mut self, surface: &mut krilla::surface::Surface<'_>, width: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(MARGIN, self.y);
        pb.line_to(A4.0 - MARGIN, self.y);
        if let Some(path) = pb.finish() {
            surface.set_stroke(Some(Stroke { width, ..Default::default() }));
            surface.draw_path(&path);
            surface.set_stroke(None);
        }
    }
}

/// Draws the kop surat at the top of a page: the logo on the left, the
/// government and office centred, the contact lines, the double rule.
pub(crate) fn kop(
    surface: &mut krilla::surface::Surface<'_>,
    pen: &mut Pen<'_>,
    head: &Letterhead,
) -> Result<(), RenderError> {
    // The logo, 54 pt high, when the office has one.
    if let Some(bytes) = &head.logo {
        let data: krilla::Data = bytes.clone().into();
        let image = krilla::image::Image::from_png(data.clone(), true)
            .or_else(|_| krilla::image::Image::from_jpeg(data, true))
            .map_err(|e| RenderError::Pdf(format!("logo: {e}")))?;
        let (w, h) = image.size();
        let height = 54.0_f32;
        let width = height * w as f32 / (h.max(1) as f32);
        if let Some(size) = krilla::geom::Size::from_wh(width, height) {
            surface.push_transform(&krilla::geom::Transform::from_translate(MARGIN, MARGIN - 4.0));
            surface.draw_image(image, size);
            surface.pop();
        }
    }
    pen.centered(surface, &head.government.to_uppercase(), 12.0, true);
    pen.centered(surface, &head.office.to_uppercase(), 13.0, true);
    for l in &head.lines {
        pen.centered(surface, l, 8.5, false);
    }
    pen.y += 6.0;
    pen.rule(surface, 2.0);
    pen.y += 2.5;
    pen.rule(surface, 0.6);
    pen.y += 18.0;
    Ok(())
}

/// The lowest baseline a body line may take on a page.
const BOTTOM: f32 = A4.1 - MARGIN - 14.0;
/// Body text size and line step.
const BODY: f32 = 10.5;
const LINE: f32 = 15.0;

/// One body line: its text, and the gap before it (a paragraph's start).
struct BodyLine {
    text: String,
    gap: f32,
}

/// Renders one letter as a PDF: as many A4 pages as its body needs, the
/// kop surat, title and number on the first, "Nomor …, halaman k dari n"
/// heading the others and a page count in each footer; the signature
/// block and the QR code always on the last page, whole (a body too long
/// to leave them room on its page moves them to a page of their own).
pub fn render(head: &Letterhead, letter: &Letter) -> Result<Vec<u8>, RenderError> {
    let fonts = FONTS.as_ref().ok_or(RenderError::Fonts)?;
    let qr = qrcode::QrCode::with_error_correction_level(letter.qr.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| RenderError::Qr(e.to_string()))?;
    let width = A4.0 - 2.0 * MARGIN;
    let lines: Vec<BodyLine> = letter
        .paragraphs
        .iter()
        .flat_map(|p| {
            wrap(fonts, p, BODY, width, false)
                .into_iter()
                .enumerate()
                .map(|(i, text)| BodyLine { text, gap: if i == 0 { 6.0 } else { 0.0 } })
        })
        .collect();
    let settings = PageSettings::from_wh(A4.0, A4.1).ok_or_else(|| RenderError::Pdf("page size".into()))?;
    let top = body_top(fonts, head, letter, &settings)?;
    let pages = paginate(top, &lines, closing_height(fonts, letter));
    let mut doc = Document::new();
    let count = pages.len();
    let mut next = 0;
    for (k, range) in pages.iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut pen = Pen { fonts, y: MARGIN - 6.0 };
        if k == 0 {
            first_page_head(&mut surface, &mut pen, head, letter)?;
        } else {
            pen.y = MARGIN;
            pen.text(&mut surface, MARGIN, &format!("Nomor: {} (lanjutan)", letter.number), 8.5, false);
            pen.y += 10.0;
        }
        for line in &lines[next..*range] {
            pen.y += LINE + line.gap;
            pen.text(&mut surface, MARGIN, &line.text, BODY, false);
        }
        next = *range;
        if k + 1 == count {
            signature_and_qr(&mut surface, &mut pen, fonts, letter, &qr);
        }
        if count > 1 {
            let mut foot = Pen { fonts, y: A4.1 - MARGIN + 16.0 };
            let label = format!("Halaman {} dari {count}", k + 1);
            let x = A4.0 - MARGIN - fonts.width(&label, 8.0, false);
            foot.text(&mut surface, x, &label, 8.0, false);
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

/// The kop surat, the title and the number: the head of the first page.
fn first_page_head(
    surface: &mut krilla::surface::Surface<'_>,
    pen: &mut Pen<'_>,
    head: &Letterhead,
    letter: &Letter,
) -> Result<(), RenderError> {
    kop(surface, pen, head)?;
    pen.centered(surface, &letter.title.to_uppercase(), 12.0, true);
    pen.centered(surface, &format!("Nomor: {}", letter.number), BODY, false);
    pen.y += 14.0;
    Ok(())
}

/// Where the first page's body starts: its head drawn on a scratch page
/// and measured, so the pagination cannot drift from the drawing.
fn body_top(
    fonts: &Fonts,
    head: &Letterhead,
    letter: &Letter,
    settings: &PageSettings,
) -> Result<f32, RenderError> {
    let mut scratch = Document::new();
    let mut page = scratch.start_page_with(settings.clone());
    let mut surface = page.surface();
    let mut pen = Pen { fonts, y: MARGIN - 6.0 };
    first_page_head(&mut surface, &mut pen, head, letter)?;
    surface.finish();
    page.finish();
    Ok(pen.y)
}

/// Where each page's body lines end (indices into `lines`, one per page):
/// lines fill a page down to [`BOTTOM`] from `top` (the first page) or
/// under the continuation heading; the last page must also hold the
/// closing (signature and QR), or the closing gets a page of its own.
fn paginate(top: f32, lines: &[BodyLine], closing: f32) -> Vec<usize> {
    let continued = MARGIN + 10.0;
    let mut y = top;
    let mut ends = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if y + LINE + line.gap > BOTTOM {
            ends.push(i);
            y = continued;
        }
        y += LINE + line.gap;
    }
    if y + closing > A4.1 - MARGIN {
        ends.push(lines.len());
    }
    ends.push(lines.len());
    ends
}

/// The height of the signature block and the QR code with its caption.
fn closing_height(fonts: &Fonts, letter: &Letter) -> f32 {
    let x = A4.0 / 2.0 + 20.0;
    let s = &letter.signer;
    let block = 18.0
        + wrap(fonts, &s.position, BODY, A4.0 - MARGIN - x, false).len() as f32 * 14.0
        + if s.wet_signature { 78.0 } else { 56.0 }
        + if s.nip.is_some() { 14.0 } else { 0.0 };
    let qr = 18.0 - 6.0 + 92.0 + 4.0 + wrap(fonts, &letter.qr_caption, 7.0, 152.0, false).len() as f32 * 9.0;
    block.max(qr)
}

/// A QR code as an SVG image for a page (the second factor's enrolment:
/// an `otpauth://` address a phone's app reads): one path of dark modules
/// in a four-module quiet zone, `px` pixels wide, with `label` as its
/// accessible name.
pub fn qr_svg(text: &str, px: u32, label: &str) -> Result<String, RenderError> {
    let qr = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| RenderError::Qr(e.to_string()))?;
    let n = qr.width();
    let mut path = String::new();
    for (i, c) in qr.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % n + 4, i / n + 4));
        }
    }
    let label: String = label
        .chars()
        .map(|c| match c {
            '<' | '>' | '&' | '"' => ' ',
            c => c,
        })
        .collect();
    let side = n + 8;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{label}\" width=\"{px}\" \
         height=\"{px}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

/// The signature block on the right; the QR code on the left at the same height.
fn signature_and_qr(
    surface: &mut krilla::surface::Surface<'_>,
    pen: &mut Pen<'_>,
    fonts: &Fonts,
    letter: &Letter,
    qr: &qrcode::QrCode,
) {
    pen.y += 18.0;
    let block_top = pen.y;
    let x = A4.0 / 2.0 + 20.0;
    let s = &letter.signer;
    pen.text(surface, x, &format!("{}, {}", s.place, tanggal(letter.date)), BODY, false);
    for line in wrap(fonts, &s.position, BODY, A4.0 - MARGIN - x, false) {
        pen.y += 14.0;
        pen.text(surface, x, &line, BODY, false);
    }
    pen.y += if s.wet_signature { 78.0 } else { 56.0 };
    pen.text(surface, x, &s.name, BODY, true);
    if let Some(nip) = &s.nip {
        pen.y += 14.0;
        pen.text(surface, x, &format!("NIP. {nip}"), BODY, false);
    }

    // QR code: one square per dark module.
    let modules = qr.width();
    let side = 92.0_f32;
    let cell = side / modules as f32;
    let (qx, qy) = (MARGIN, block_top - 6.0);
    surface.set_fill(Some(Fill::default()));
    let colors = qr.to_colors();
    let mut pb = PathBuilder::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (col, row) = ((i % modules) as f32, (i / modules) as f32);
            if let Some(r) = Rect::from_xywh(qx + col * cell, qy + row * cell, cell, cell) {
                pb.push_rect(r);
            }
        }
    }
    if let Some(path) = pb.finish() {
        surface.draw_path(&path);
    }
    let mut cap = Pen { fonts, y: qy + side + 4.0 };
    for line in wrap(fonts, &letter.qr_caption, 7.0, side + 60.0, false) {
        cap.y += 9.0;
        cap.text(surface, qx, &line, 7.0, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_the_indonesian_way() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(tanggal(d), "24 November 2026");
        assert_eq!(tanggal(NaiveDate::from_ymd_opt(2027, 1, 2).unwrap()), "2 Januari 2027");
    }

    #[test]
    fn a_qr_svg_draws_each_dark_module_once_inside_its_quiet_zone() {
        let text = "otpauth://totp/layanan:muba.admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        let qr = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).unwrap();
        let dark = qr.to_colors().iter().filter(|c| **c == qrcode::Color::Dark).count();
        let svg = qr_svg(text, 200, "kode \"QR\" <x>").unwrap();
        assert_eq!(svg.matches("h1v1h-1z").count(), dark);
        let side = qr.width() + 8;
        assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")), "{svg}");
        assert!(svg.contains("aria-label=\"kode  QR   x \""), "the label cannot leave its attribute");
        assert!(!svg.contains("M0 ") && !svg.contains("M3 "), "four modules of quiet zone");
    }
}
