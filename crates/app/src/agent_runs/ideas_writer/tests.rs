//! The ideas writer's rules, without a model: checks, mends and assembly.

use super::*;

fn brief(rules: &[&str]) -> Brief {
    let rules: Vec<String> = rules.iter().map(|rule| (*rule).to_owned()).collect();
    Brief {
        about: "Jordan".into(),
        constraints: constraints(&rules),
        rules,
        requirements: Vec::new(),
        keywords: Vec::new(),
        timelines: HashMap::new(),
        own_handles: vec!["santiago_real".into()],
    }
}

fn post(author: &str) -> FoundPost {
    FoundPost {
        id: 1,
        platform: "tiktok".into(),
        platform_id: "1".into(),
        url: None,
        author: Some(author.into()),
        body: "The birria stand nobody talks about. It opens at midnight.".into(),
        posted_at: None,
        views: Some(48_000),
        likes: None,
        comments: None,
        shares: None,
        saves: None,
        engagement: None,
        growth: 0,
    }
}

#[test]
fn an_idea_grounded_in_the_agents_own_post_says_it_builds_on_what_worked() {
    let brief = brief(&[]);
    let own = brief.notes(Some(&post("@Santiago_Real")));
    assert!(
        own.iter().any(|note| note
            == "Builds on one of your own posts that did well (48000 views): The birria stand nobody talks about."),
        "{own:?}"
    );
    let theirs = brief.notes(Some(&post("tacoqueen")));
    assert!(
        theirs
            .iter()
            .any(|note| note.starts_with("Inspired by a popular post: ")),
        "{theirs:?}"
    );
}

#[test]
fn a_question_hook_is_refused_and_mended_into_a_statement() {
    let strict = brief(&["never use question hooks"]);
    let script = "Ever wondered why? Here is the answer you have been looking for all along.";
    assert!(broken(&strict, script, Field::Script).is_some());
    let plain = Prompt::new(
        vec!["Inspired by a popular post: the two dollar taco at 2am".into()],
        String::new(),
    );
    assert_eq!(
        mended(&strict, script, Field::Script, &plain),
        "Ever wondered why. Here is the answer you have been looking for all along."
    );
    let quoting = "Go now. The two dollar taco at 2am rules. Eat it.";
    assert!(plain.quoted_in(quoting));
    assert_eq!(
        mended(&brief(&[]), quoting, Field::Script, &plain),
        "Go now. Eat it."
    );
    assert!(broken(&brief(&[]), script, Field::Script).is_none());
    assert!(broken(&brief(&[]), "Too short. Really.", Field::Script).is_some());
    let long = format!("{} end. Then more.", "word ".repeat(20));
    assert!(broken(&brief(&[]), &long, Field::Script).is_some());
    let cut = mended(&brief(&[]), &long, Field::Script, &plain);
    assert_eq!(first_sentence(&cut).split_whitespace().count(), 12, "{cut}");
    let natural = "Late night tacos are great, and the salsa makes them even better for everyone who loves food. Go.";
    let cut = mended(&brief(&[]), natural, Field::Script, &plain);
    assert_eq!(first_sentence(&cut), "Late night tacos are great.", "{cut}");
}

#[test]
fn a_speaker_label_and_wrapping_quotes_are_taken_off() {
    assert_eq!(
        tidy("The creator says, 'Tacos are not always delicious. Go!'"),
        "Tacos are not always delicious. Go!"
    );
    assert_eq!(tidy("\"Late night tacos\""), "Late night tacos");
    assert_eq!(tidy("It's late."), "It's late.");
    assert_eq!(tidy("that tacos win."), "Tacos win.");
}

#[test]
fn a_longest_duration_shortens_the_script_and_the_estimate() {
    let short = brief(&["keep videos under 12 seconds"]);
    assert_eq!(short.seconds(), 12);
    assert_eq!(script_words(&short), 30);
    let script = format!("Hook here. {}", "word ".repeat(60));
    let idea = assemble_parts(&short, "T".into(), script, VideoType::Montage);
    assert_eq!(idea.hook, "Hook here.");
    assert_eq!(idea.estimated_duration, Some(12));
    let layers = idea.data.project_manifest["timeline_layers"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(layers, 6);
}

#[test]
fn an_empty_knowledge_base_leaves_sources_empty_and_says_so() {
    let idea = assemble(
        &brief(&[]),
        "T".into(),
        "H. S.".into(),
        VideoType::TextDriven,
        None,
    );
    assert!(idea.data.inspiration_sources.is_empty());
    assert!(idea.data.rationale.contains("no posts"));
}

#[test]
fn a_hook_that_opens_as_the_title_does_restates_it() {
    assert!(restates(
        "Tacos afternoon is a treat. Go now.",
        "Tacos Afternoon"
    ));
    assert!(restates(
        "Get your signature ready in just 4 minutes! Try it today.",
        "Get your signature ready in just minutes!"
    ));
    assert!(!restates(
        "Nobody eats tacos at noon. Here is why.",
        "Tacos Afternoon"
    ));
    assert!(
        !restates("Tacos rule. Yes, they do.", "Tacos"),
        "one word is no title's opening"
    );
}

#[test]
fn a_title_over_eight_words_is_refused_and_cut_before_its_subtitle() {
    let plain = Prompt::new(Vec::new(), String::new());
    let long = "Tacos on the Late Night - Before and After";
    assert!(broken(&brief(&[]), long, Field::Title).is_some());
    assert_eq!(
        mended(&brief(&[]), long, Field::Title, &plain),
        "Tacos on the Late Night"
    );
    assert_eq!(
        mended(
            &brief(&[]),
            "Taco Fix: the mistakes everyone makes late at night",
            Field::Title,
            &plain
        ),
        "Taco Fix"
    );
    let cut = mended(
        &brief(&[]),
        "Why every single late night taco stand runs out of salsa",
        Field::Title,
        &plain,
    );
    assert_eq!(cut, "Why every single late night taco stand runs");
    assert!(
        broken(
            &brief(&[]),
            "Late Night Taco Fix: Mistakes and Fixes",
            Field::Title
        )
        .is_none()
    );
}
