//! Charts for dashboards and reports, drawn by `plotters`: the same chart
//! goes to a page as SVG (no JavaScript, labels stay SVG text) and into a
//! PDF report through a plotters backend that writes krilla paths and
//! text (`PdfBackend`). Each chart is shown with a table of the same
//! numbers for screen readers.

use crate::render::Fonts;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// The bar colour: the style sheet's link blue, 4.5:1 on white.
const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);

/// A vertical bar chart of `(label, value)` from 0 to `max`; the caption
/// names what the bars measure.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub caption: String,
    pub bars: Vec<(String, f64)>,
    pub max: f64,
}

impl BarChart {
    /// The chart's size in pixels: wider with more bars.
    pub fn size(&self) -> (u32, u32) {
        ((120 * self.bars.len() as u32).clamp(360, 960), 320)
    }

    /// The chart as an SVG document (empty when it cannot be drawn: its
    /// table still says it).
    pub fn svg(&self) -> String {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size()).into_drawing_area();
            if self.draw(&root).is_err() {
                return String::new();
            }
        }
        svg
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, plotters::coord::Shift>) -> Result<(), String> {
        let e = |e: plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let n = self.bars.len().max(1) as i32;
        let mut chart = ChartBuilder::on(root)
            .caption(plain(&self.caption), ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(48)
            .build_cartesian_2d((0..n).into_segmented(), 0f64..self.max.max(1.0))
            .map_err(e)?;
        let label = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => self.bars.get(*i as usize).map(|b| short(&b.0)).unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .x_label_formatter(&label)
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(e)?;
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, (_, v))| {
                let i = i as i32;
                let mut r = Rectangle::new(
                    [(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), *v)],
                    BAR.filled(),
                );
                r.set_margin(0, 0, 8, 8);
                r
            }))
            .map_err(e)?;
        root.present().map_err(e)
    }

    /// Draws the chart on a PDF page with its top left corner at `(x, y)`
    /// points, `width` points wide (the height keeps the chart's ratio).
    pub(crate) fn draw_pdf(&self, surface: &mut Surface<'_>, fonts: &Fonts, x: f32, y: f32, width: f32) {
        let size = self.size();
        let scale = width / size.0 as f32;
        surface.push_transform(&krilla::geom::Transform::from_row(scale, 0.0, 0.0, scale, x, y));
        {
            let root = PdfBackend { surface: &mut *surface, fonts, size }.into_drawing_area();
            // A chart that cannot be drawn leaves its table to say it.
            let _ = self.draw(&root);
        }
        surface.pop();
    }
}

/// Text without the characters that mean markup.
fn plain(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '<' | '>' | '&' | '"')).collect()
}

/// A label short enough to sit under its bar.
fn short(s: &str) -> String {
    let p = plain(s);
    if p.chars().count() <= 18 { p } else { format!("{}…", p.chars().take(17).collect::<String>()) }
}

/// A plotters backend on a krilla surface, in the chart's pixels (the
/// caller's transform scales them to points).
struct PdfBackend<'s, 'a> {
    surface: &'s mut Surface<'a>,
    fonts: &'s Fonts,
    size: (u32, u32),
}

#[derive(Debug)]
struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no error")
    }
}

impl std::error::Error for Never {}

type Drawn = Result<(), DrawingErrorKind<Never>>;

fn paint(c: BackendColor) -> krilla::paint::Paint {
    krilla::color::rgb::Color::new(c.rgb.0, c.rgb.1, c.rgb.2).into()
}

fn opacity(c: BackendColor) -> krilla::num::NormalizedF32 {
    krilla::num::NormalizedF32::new(c.alpha as f32).unwrap_or(krilla::num::NormalizedF32::ONE)
}

impl PdfBackend<'_, '_> {
    fn stroke(&mut self, path: Option<krilla::geom::Path>, style: &impl BackendStyle) {
        let c = style.color();
        if let Some(path) = path.filter(|_| c.alpha > 0.0) {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                paint: paint(c),
                width: style.stroke_width().max(1) as f32,
                opacity: opacity(c),
                ..Default::default()
            }));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
        }
    }

    fn fill(&mut self, path: Option<krilla::geom::Path>, c: BackendColor) {
        if let Some(path) = path.filter(|_| c.alpha > 0.0) {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(Fill { paint: paint(c), opacity: opacity(c), ..Default::default() }));
            self.surface.draw_path(&path);
            self.surface.set_fill(None);
        }
    }
}

impl DrawingBackend for PdfBackend<'_, '_> {
    type ErrorType = Never;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Drawn {
        Ok(())
    }

    fn present(&mut self) -> Drawn {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        let rect = Rect::from_xywh(point.0 as f32, point.1 as f32, 1.0, 1.0);
        let mut pb = PathBuilder::new();
        if let Some(r) = rect {
            pb.push_rect(r);
        }
        self.fill(pb.finish(), color);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Drawn {
        let mut pb = PathBuilder::new();
        pb.move_to(from.0 as f32, from.1 as f32);
        pb.line_to(to.0 as f32, to.1 as f32);
        self.stroke(pb.finish(), style);
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        let (x0, y0) = (upper_left.0.min(bottom_right.0) as f32, upper_left.1.min(bottom_right.1) as f32);
        let (w, h) =
            ((upper_left.0 - bottom_right.0).abs() as f32, (upper_left.1 - bottom_right.1).abs() as f32);
        let mut pb = PathBuilder::new();
        if let Some(r) = Rect::from_xywh(x0, y0, w.max(0.5), h.max(0.5)) {
            pb.push_rect(r);
        }
        if fill {
            self.fill(pb.finish(), style.color())
        } else {
            self.stroke(pb.finish(), style)
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn {
        let mut pb = PathBuilder::new();
        for (i, (x, y)) in path.into_iter().enumerate() {
            if i == 0 { pb.move_to(x as f32, y as f32) } else { pb.line_to(x as f32, y as f32) }
        }
        self.stroke(pb.finish(), style);
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn {
        let mut pb = PathBuilder::new();
        for (i, (x, y)) in vert.into_iter().enumerate() {
            if i == 0 { pb.move_to(x as f32, y as f32) } else { pb.line_to(x as f32, y as f32) }
        }
        pb.close();
        self.fill(pb.finish(), style.color());
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Drawn {
        let size = style.size() as f32;
        let width = self.fonts.width(text, size, false);
        let x = match style.anchor().h_pos {
            HPos::Left => pos.0 as f32,
            HPos::Center => pos.0 as f32 - width / 2.0,
            HPos::Right => pos.0 as f32 - width,
        };
        // The baseline from the anchor: about 0.8 of the size under the top.
        let y = match style.anchor().v_pos {
            VPos::Top => pos.1 as f32 + 0.8 * size,
            VPos::Center => pos.1 as f32 + 0.35 * size,
            VPos::Bottom => pos.1 as f32,
        };
        let c = style.color();
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(Fill { paint: paint(c), opacity: opacity(c), ..Default::default() }));
        self.surface.draw_text(
            Point::from_xy(x, y),
            self.fonts.regular.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
        self.surface.set_fill(None);
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Never>> {
        let size = style.size() as f32;
        Ok((self.fonts.width(text, size, false).ceil() as u32, size.ceil() as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::BarChart;

    #[test]
    fn a_chart_is_svg_with_a_bar_per_value_and_no_markup_from_labels() {
        let chart = BarChart {
            caption: "Tepat waktu (%)".into(),
            bars: vec![("KTP-el".into(), 92.5), ("<script>".into(), 50.0)],
            max: 100.0,
        };
        let svg = chart.svg();
        assert!(svg.starts_with("<svg") && svg.contains("Tepat waktu"), "{svg}");
        assert!(!svg.contains("<script"), "labels carry no markup");
        assert_eq!(svg.matches("fill=\"#1F5FA8\"").count(), 2, "{svg}");
    }
}
