//! PDF reports (the Laporan Evaluasi Kinerja Pelayanan, the SKM report):
//! A4 pages with the office's kop surat on the first, then headings,
//! paragraphs, tables (their header repeated on each page they run onto)
//! and charts (`charts::BarChart`, the same the dashboard shows as SVG),
//! a page number on each, and the signature block at the end. Text stays
//! extractable (`pdftotext` reads it).

use crate::charts::BarChart;
use crate::render::{A4, FONTS, Fonts, Letterhead, MARGIN, Pen, RenderError, Signer, kop, tanggal, wrap};
use crate::xlsx::Sheet;
use chrono::NaiveDate;
use krilla::Document;
use krilla::page::PageSettings;
use krilla::surface::Surface;

/// One part of a report, in reading order.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    /// A table: the sheet's name is its caption.
    Table(Sheet),
    Chart(BarChart),
}

#[derive(Debug, Clone)]
pub struct Report {
    /// `LAPORAN EVALUASI KINERJA PELAYANAN`.
    pub title: String,
    /// The line under the title: the period.
    pub subtitle: String,
    pub date: NaiveDate,
    pub blocks: Vec<Block>,
    /// Who signs at the end, if anyone.
    pub signer: Option<Signer>,
}

const BODY: f32 = 10.0;
const CELL: f32 = 7.5;
const CELL_LINE: f32 = 9.5;
/// The lowest baseline on a page, above the page number.
const BOTTOM: f32 = A4.1 - MARGIN - 14.0;
const WIDTH: f32 = A4.0 - 2.0 * MARGIN;

/// Where the writing stands: the block, and the row (table) or line
/// (paragraph) inside it to continue from on a new page.
#[derive(Default)]
struct Cursor {
    block: usize,
    part: usize,
}

/// Renders a report as a PDF of as many pages as it needs.
pub fn render(head: &Letterhead, report: &Report) -> Result<Vec<u8>, RenderError> {
    let fonts = FONTS.as_ref().ok_or(RenderError::Fonts)?;
    let settings = PageSettings::from_wh(A4.0, A4.1).ok_or_else(|| RenderError::Pdf("page size".into()))?;
    let mut doc = Document::new();
    let mut at = Cursor::default();
    let mut number = 0;
    let mut signed = report.signer.is_none();
    while at.block < report.blocks.len() || !signed {
        number += 1;
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut pen = Pen { fonts, y: MARGIN - 6.0 };
        if number == 1 {
            kop(&mut surface, &mut pen, head)?;
            pen.centered(&mut surface, &report.title.to_uppercase(), 12.0, true);
            pen.centered(&mut surface, &report.subtitle, BODY, false);
            pen.y += 10.0;
        } else {
            pen.y += 8.0;
            pen.text(&mut surface, MARGIN, &report.title, 8.0, false);
            pen.y += 4.0;
            pen.rule(&mut surface, 0.4);
            pen.y += 6.0;
        }
        let top = pen.y;
        while at.block < report.blocks.len() {
            let fresh = pen.y <= top;
            if !draw_block(&mut surface, &mut pen, &report.blocks[at.block], &mut at.part, fresh) {
                break;
            }
            at = Cursor { block: at.block + 1, part: 0 };
        }
        if at.block >= report.blocks.len()
            && let Some(s) = &report.signer
            && (pen.y + 110.0 <= BOTTOM || pen.y <= top)
        {
            sign(&mut surface, &mut pen, s, report.date);
            signed = true;
        }
        let mut foot = Pen { fonts, y: A4.1 - MARGIN + 10.0 };
        let label = format!("Halaman {number}");
        foot.text(&mut surface, A4.0 - MARGIN - fonts.width(&label, 8.0, false), &label, 8.0, false);
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

/// Draws what fits of a block from `part` on; whether it was finished.
/// A fresh page always takes something, so a block too tall for any page
/// still moves on.
fn draw_block(
    surface: &mut Surface<'_>,
    pen: &mut Pen<'_>,
    block: &Block,
    part: &mut usize,
    fresh: bool,
) -> bool {
    let fonts = pen.fonts;
    match block {
        Block::Heading(text) => {
            // Kept with what follows: at least a few lines under it.
            if pen.y + 80.0 > BOTTOM && !fresh {
                return false;
            }
            pen.y += 8.0;
            for line in wrap(fonts, text, 11.0, WIDTH, true) {
                pen.y += 14.0;
                pen.text(surface, MARGIN, &line, 11.0, true);
            }
            pen.y += 2.0;
            true
        }
        Block::Paragraph(text) => {
            let lines = wrap(fonts, text, BODY, WIDTH, false);
            for (i, line) in lines.iter().enumerate().skip(*part) {
                if pen.y + 14.0 > BOTTOM && !(fresh && i == *part) {
                    *part = i;
                    return false;
                }
                pen.y += 14.0;
                pen.text(surface, MARGIN, line, BODY, false);
            }
            pen.y += 5.0;
            true
        }
        Block::Table(sheet) => draw_table(surface, pen, sheet, part, fresh),
        Block::Chart(chart) => {
            let (w, h) = chart.size();
            let width = WIDTH.min(w as f32 * 0.6);
            let height = width * h as f32 / w as f32;
            if pen.y + height + 6.0 > BOTTOM && !fresh {
                return false;
            }
            chart.draw_pdf(surface, fonts, MARGIN, pen.y + 4.0, width);
            pen.y += height + 10.0;
            true
        }
    }
}

/// Column widths: each column's longest text, and when the table is wider
/// than the page, each its longest word plus a share of the rest in
/// proportion to what it lacks (cells then wrap).
fn columns(fonts: &Fonts, sheet: &Sheet) -> Vec<f32> {
    let texts = |i: usize| {
        let head = std::iter::once((sheet.header[i].clone(), true));
        head.chain(sheet.rows.iter().filter_map(move |r| r.get(i)).map(|c| (c.text(), false)))
    };
    let widest =
        |i: usize, f: &dyn Fn(&str, bool) -> f32| texts(i).map(|(t, b)| f(&t, b)).fold(0.0, f32::max);
    let (mut natural, mut least) = (Vec::new(), Vec::new());
    for i in 0..sheet.header.len() {
        natural.push(widest(i, &|t, b| fonts.width(t, CELL, b)).min(200.0) + 6.0);
        let word =
            |t: &str, b: bool| t.split_whitespace().map(|w| fonts.width(w, CELL, b)).fold(0.0, f32::max);
        least.push(widest(i, &word).min(80.0) + 6.0);
    }
    let total: f32 = natural.iter().sum();
    if total <= WIDTH {
        return natural;
    }
    let floor: f32 = least.iter().sum();
    if floor >= WIDTH {
        return least.iter().map(|w| w * WIDTH / floor).collect();
    }
    let share = (WIDTH - floor) / (total - floor);
    natural.iter().zip(&least).map(|(n, l)| l + (n - l) * share).collect()
}

/// Draws the table's rows from `row` on, under its caption (first page)
/// and its header (every page); whether every row is drawn.
fn draw_table(
    surface: &mut Surface<'_>,
    pen: &mut Pen<'_>,
    sheet: &Sheet,
    row: &mut usize,
    fresh: bool,
) -> bool {
    let fonts = pen.fonts;
    let widths = columns(fonts, sheet);
    let lines_of = |cells: &[String], bold: bool| -> Vec<Vec<String>> {
        cells.iter().zip(&widths).map(|(c, w)| wrap(fonts, c, CELL, w - 4.0, bold)).collect()
    };
    let height_of =
        |lines: &[Vec<String>]| lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * CELL_LINE + 4.0;
    let header = lines_of(&sheet.header, true);
    // Start only where the caption, the header and the next row fit.
    let next_row = sheet.rows.get(*row).map_or(CELL_LINE, |cells| {
        height_of(&lines_of(&cells.iter().map(crate::xlsx::Cell::text).collect::<Vec<_>>(), false))
    });
    if pen.y + 20.0 + height_of(&header) + next_row > BOTTOM && !fresh {
        return false;
    }
    if *row == 0 {
        pen.y += 16.0;
        pen.text(surface, MARGIN, &sheet.name, 9.0, true);
    }
    pen.y += 4.0;
    draw_row(surface, pen, &widths, &header, true);
    pen.rule(surface, 0.6);
    let mut first = true;
    for (i, cells) in sheet.rows.iter().enumerate().skip(*row) {
        let texts: Vec<String> = cells.iter().map(crate::xlsx::Cell::text).collect();
        let lines = lines_of(&texts, false);
        let height = height_of(&lines);
        if pen.y + height > BOTTOM && !(fresh && first) {
            *row = i;
            return false;
        }
        draw_row(surface, pen, &widths, &lines, false);
        pen.rule(surface, 0.2);
        first = false;
    }
    if sheet.rows.is_empty() {
        pen.y += CELL_LINE + 2.0;
        pen.text(surface, MARGIN + 2.0, "(tidak ada data)", CELL, false);
        pen.y += 3.0;
    }
    pen.y += 4.0;
    true
}

/// One row of wrapped cells; the pen ends under its tallest cell.
fn draw_row(surface: &mut Surface<'_>, pen: &mut Pen<'_>, widths: &[f32], cells: &[Vec<String>], bold: bool) {
    let top = pen.y;
    let mut x = MARGIN;
    let mut bottom = top;
    for (lines, w) in cells.iter().zip(widths) {
        pen.y = top;
        for line in lines {
            pen.y += CELL_LINE;
            pen.text(surface, x + 2.0, line, CELL, bold);
        }
        bottom = bottom.max(pen.y);
        x += w;
    }
    pen.y = bottom + 3.0;
}

/// The place, date and signature block on the right.
fn sign(surface: &mut Surface<'_>, pen: &mut Pen<'_>, s: &Signer, date: NaiveDate) {
    let x = A4.0 / 2.0 + 20.0;
    pen.y += 24.0;
    pen.text(surface, x, &format!("{}, {}", s.place, tanggal(date)), BODY, false);
    for line in wrap(pen.fonts, &s.position, BODY, A4.0 - MARGIN - x, false) {
        pen.y += 14.0;
        pen.text(surface, x, &line, BODY, false);
    }
    pen.y += if s.wet_signature { 78.0 } else { 56.0 };
    pen.text(surface, x, &s.name, BODY, true);
    if let Some(nip) = &s.nip {
        pen.y += 14.0;
        pen.text(surface, x, &format!("NIP. {nip}"), BODY, false);
    }
}
