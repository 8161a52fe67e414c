//! Charts for the dashboards, drawn on the server as SVG by `plotters` (no
//! JavaScript, no font files: labels stay SVG text). Each chart is shown
//! with a table of the same numbers under it for screen readers.

use plotters::prelude::*;

/// The bar colour: the style sheet's link blue, 4.5:1 on white.
const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);

/// A vertical bar chart of `(label, value)` from 0 to `max`, as an SVG
/// document; the caption names what the bars measure.
pub fn bars(caption: &str, bars: &[(String, f64)], max: f64) -> String {
    let mut svg = String::new();
    let width = (120 * bars.len() as u32).clamp(360, 960);
    {
        let root = SVGBackend::with_string(&mut svg, (width, 320)).into_drawing_area();
        if draw(&root, caption, bars, max).is_err() {
            // A chart that cannot be drawn leaves its table to say it.
            return String::new();
        }
    }
    svg
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    caption: &str,
    bars: &[(String, f64)],
    max: f64,
) -> Result<(), String> {
    let e = |e: plotters::drawing::DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let n = bars.len().max(1) as i32;
    let mut chart = ChartBuilder::on(root)
        .caption(plain(caption), ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(48)
        .build_cartesian_2d((0..n).into_segmented(), 0f64..max.max(1.0))
        .map_err(e)?;
    let label = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => bars.get(*i as usize).map(|b| short(&b.0)).unwrap_or_default(),
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
        .draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
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

/// Text without the characters that mean markup.
fn plain(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '<' | '>' | '&' | '"')).collect()
}

/// A label short enough to sit under its bar.
fn short(s: &str) -> String {
    let p = plain(s);
    if p.chars().count() <= 18 { p } else { format!("{}…", p.chars().take(17).collect::<String>()) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_chart_is_svg_with_a_bar_per_value_and_no_markup_from_labels() {
        let svg =
            super::bars("Tepat waktu (%)", &[("KTP-el".into(), 92.5), ("<script>".into(), 50.0)], 100.0);
        assert!(svg.starts_with("<svg") && svg.contains("Tepat waktu"), "{svg}");
        assert!(!svg.contains("<script"), "labels carry no markup");
        assert_eq!(svg.matches("fill=\"#1F5FA8\"").count(), 2, "{svg}");
    }
}
