//! Turns Typst's diagnostics into one readable English string for [`crate::RenderError`].

use typst::World;
use typst::WorldExt;
use typst::diag::SourceDiagnostic;

/// Writes each diagnostic as `path:line:column: message (hint: …)`, separated by `; `.
pub(crate) fn describe(world: &dyn World, diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let mut line = format!("{}{}", location(world, diagnostic), diagnostic.message);
            for hint in &diagnostic.hints {
                line.push_str(&format!(" (hint: {})", hint.v));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `path:line:column: ` of the diagnostic's span, or nothing when it points nowhere.
fn location(world: &dyn World, diagnostic: &SourceDiagnostic) -> String {
    let Some(id) = diagnostic.span.id() else {
        return String::new();
    };
    let path = id.vpath().get_with_slash();

    let position = world.source(id).ok().and_then(|source| {
        let range = world.range(diagnostic.span)?;
        source.lines().byte_to_line_column(range.start)
    });
    match position {
        Some((line, column)) => format!("{path}:{}:{}: ", line + 1, column + 1),
        None => format!("{path}: "),
    }
}
