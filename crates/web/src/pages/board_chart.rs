//! The weekly print progress of the tracking board (issue 7), drawn on the server as SVG:
//! bars for the initial requests sent each week, a line for the requests still to send at
//! each week's end. The page gives the same numbers as a table (the text alternative).

use ceres_domain::french;
use jiff::ToSpan;
use jiff::civil::Date;

/// One week of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekPoint {
    /// The Monday the week starts on.
    pub monday: Date,
    /// Initial requests sent that week.
    pub sent: i64,
    /// Candidates with a result in a validated session still without an initial request at
    /// the week's end.
    pub to_send: i64,
}

impl WeekPoint {
    /// « semaine du 30/11/2026 ».
    pub fn label(&self) -> String {
        format!("semaine du {}", french::short_date(self.monday))
    }
}

/// The last `weeks` weeks up to the one of `today`, from the requests still to send now and
/// the requests sent and results added per day since the first of these weeks (ISO dates,
/// as the store gives them): at a week's end, what remains is what remains now, plus what
/// was sent since, minus the results added since.
pub fn weekly_points(
    today: Date,
    weeks: i64,
    remaining_now: i64,
    sent_per_day: &[(String, i64)],
    due_per_day: &[(String, i64)],
) -> Vec<WeekPoint> {
    let this_monday = monday_of(today);
    let parse = |rows: &[(String, i64)]| -> Vec<(Date, i64)> {
        rows.iter()
            .filter_map(|(day, n)| day.parse::<Date>().ok().map(|d| (d, *n)))
            .collect()
    };
    let (sent, due) = (parse(sent_per_day), parse(due_per_day));
    let sum_after = |rows: &[(Date, i64)], last: Date| -> i64 {
        rows.iter().filter(|(d, _)| *d > last).map(|(_, n)| n).sum()
    };
    (0..weeks)
        .rev()
        .map(|back| {
            let monday = this_monday
                .checked_sub((7 * back).days())
                .expect("a date in range");
            let sunday = monday.checked_add(6.days()).expect("a date in range");
            let sent_that_week: i64 = sent
                .iter()
                .filter(|(d, _)| *d >= monday && *d <= sunday)
                .map(|(_, n)| n)
                .sum();
            WeekPoint {
                monday,
                sent: sent_that_week,
                to_send: (remaining_now + sum_after(&sent, sunday) - sum_after(&due, sunday))
                    .max(0),
            }
        })
        .collect()
}

/// The Monday `weeks - 1` weeks before the one of `today`: where the chart starts.
pub fn first_monday(today: Date, weeks: i64) -> Date {
    monday_of(today)
        .checked_sub((7 * (weeks - 1)).days())
        .expect("a date in range")
}

fn monday_of(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(back.days()).expect("a date in range")
}

const WIDTH: i64 = 720;
const HEIGHT: i64 = 260;
const LEFT: i64 = 48;
const BOTTOM: i64 = 40;
const TOP: i64 = 16;

/// The chart as an SVG element, sized by its viewBox; colours of the DSFR palette, no
/// script and no style attribute (the CSP allows neither inline).
pub fn svg(points: &[WeekPoint]) -> String {
    let max = points
        .iter()
        .map(|p| p.sent.max(p.to_send))
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = (WIDTH - LEFT - 8) / (points.len().max(1) as i64);
    let y = |value: i64| TOP + plot_height - value * plot_height / max;

    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         role=\"img\" aria-labelledby=\"graphique-titre\" class=\"ceres-chart\">\
         <title id=\"graphique-titre\">Demandes d'impression initiales envoyées par semaine \
         (barres) et restant à envoyer en fin de semaine (ligne)</title>"
    );
    // Axes and the maximum's gridline.
    out.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{}\" stroke=\"#666666\"/>\
         <line x1=\"{LEFT}\" y1=\"{0}\" x2=\"{WIDTH}\" y2=\"{0}\" stroke=\"#666666\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"#3a3a3a\">{max}</text>\
         <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"#3a3a3a\">0</text>",
        TOP + plot_height,
        LEFT - 6,
        TOP + 10,
        LEFT - 6,
        TOP + plot_height,
    ));
    let mut line = Vec::new();
    for (index, point) in points.iter().enumerate() {
        let x = LEFT + 4 + index as i64 * slot;
        let bar_top = y(point.sent);
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{bar_top}\" width=\"{}\" height=\"{}\" fill=\"#000091\">\
             <title>{} : {} envoyée(s)</title></rect>",
            (slot - 6).max(2),
            TOP + plot_height - bar_top,
            point.label(),
            point.sent
        ));
        line.push(format!("{},{}", x + slot / 2, y(point.to_send)));
        if index % 2 == 0 {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" \
                 fill=\"#3a3a3a\">{}</text>",
                x + slot / 2,
                HEIGHT - BOTTOM + 16,
                format_args!("{:02}/{:02}", point.monday.day(), point.monday.month())
            ));
        }
    }
    out.push_str(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#e1000f\" stroke-width=\"2\"/>",
        line.join(" ")
    ));
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Weekday, date};

    use super::*;

    fn is_monday(day: Date) -> bool {
        day.weekday() == Weekday::Monday
    }

    #[test]
    fn weeks_count_what_was_sent_and_what_remains_at_their_end() {
        // Thursday 3 December 2026: this week starts on Monday 30 November.
        let today = date(2026, 12, 3);
        let sent = [("2026-11-24".to_owned(), 2), ("2026-12-01".to_owned(), 3)];
        let due = [("2026-11-20".to_owned(), 10)];
        let points = weekly_points(today, 3, 5, &sent, &due);

        assert_eq!(points.len(), 3);
        assert!(points.iter().all(|p| is_monday(p.monday)));
        assert_eq!(points[2].monday, date(2026, 11, 30));
        assert_eq!(
            points
                .iter()
                .map(|p| (p.sent, p.to_send))
                .collect::<Vec<_>>(),
            [(0, 10), (2, 8), (3, 5)]
        );
        assert_eq!(points[2].label(), "semaine du 30/11/2026");
    }

    #[test]
    fn the_svg_has_one_bar_a_week_and_a_line_and_nothing_inline_the_csp_refuses() {
        let points = weekly_points(date(2026, 12, 3), 12, 4, &[], &[("2026-11-20".into(), 4)]);
        let svg = svg(&points);

        assert_eq!(svg.matches("<rect ").count(), 12);
        assert_eq!(svg.matches("<polyline ").count(), 1);
        assert!(svg.contains("<title id=\"graphique-titre\">"));
        assert!(!svg.contains("style=") && !svg.contains("<script"));
    }
}
