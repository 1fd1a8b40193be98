use super::*;
use serde_json::json;

fn brand_of(patch: &CorePatch, key: &str) -> BrandChange {
    patch
        .sections
        .iter()
        .find_map(|s| match (&s.change, s.key == key) {
            (Change::Brand(b), true) => Some(b.clone()),
            _ => None,
        })
        .expect("section present")
}

#[test]
fn a_flat_patch_groups_fields_into_brand_personality_and_voice() {
    let patch = CorePatch::parse(&json!({
        "brand_name": "Santiago",
        "personality": "Warm.",
        "default_user_voice": {"voice_id": "21m00Tcm4TlvDq8ikWAM", "source": "public"}
    }))
    .unwrap();
    let keys: Vec<_> = patch.sections.iter().map(|s| s.key).collect();
    assert_eq!(keys, ["brand", "personality", "voice"]);
    assert_eq!(
        brand_of(&patch, "brand").brand_name,
        Some(Some("Santiago".into()))
    );
}

#[test]
fn keywords_alone_are_mirrored_into_keyword_sources() {
    let patch = CorePatch::parse(&json!({"keywords": ["tacotok", "streetfood"]})).unwrap();
    let brand = brand_of(&patch, "brand");
    assert_eq!(brand.monitored.len(), 1);
    assert_eq!(
        brand.monitored[0].scope,
        MonitoredScope::Kind(MonitoredKind::Keyword)
    );
    let handles: Vec<_> = brand.monitored[0]
        .items
        .iter()
        .map(|i| i.handle.as_str())
        .collect();
    assert_eq!(handles, ["tacotok", "streetfood"]);
}

#[test]
fn an_explicit_monitored_list_wins_over_the_keyword_mirror() {
    let patch = CorePatch::parse(&json!({
        "keywords": ["tacotok"],
        "monitored": [{"handle": "@keila", "item_type": "account"}]
    }))
    .unwrap();
    let brand = brand_of(&patch, "brand");
    assert_eq!(brand.monitored.len(), 1);
    assert_eq!(brand.monitored[0].scope, MonitoredScope::All);
}

#[test]
fn unknown_fields_are_refused_at_every_depth() {
    let top = CorePatch::parse(&json!({"brand_nmae": "x"})).unwrap_err();
    assert!(top.message.contains("unknown field"), "{top}");
    let nested = CorePatch::parse(
        &json!({"monitored": [{"handle": "a", "item_type": "account", "extra": 1}]}),
    )
    .unwrap_err();
    assert_eq!(nested.field, "monitored[0].extra");
}

#[test]
fn every_documented_limit_is_enforced() {
    let too_long = |n: usize| "x".repeat(n);
    let cases = [
        (json!({"description": too_long(501)}), "description"),
        (json!({"personality": too_long(20_001)}), "personality"),
        (json!({"identity_type": "robot"}), "identity_type"),
        (
            json!({"monitored": [{"handle": "a", "item_type": "person"}]}),
            "monitored[0].item_type",
        ),
        (
            json!({"research_topics": vec![json!({"topic": "t"}); 21]}),
            "research_topics",
        ),
        (
            json!({"research_topics": [{"topic": too_long(501)}]}),
            "research_topics[0].topic",
        ),
        (
            json!({"linked_accounts": [{"platform": "tiktok"}]}),
            "linked_accounts[0].url",
        ),
        (json!({"brand_name": too_long(201)}), "brand_name"),
        (json!({"keywords": vec!["k"; 21]}), "keywords"),
    ];
    for (body, field) in cases {
        let err = CorePatch::parse(&body).unwrap_err();
        assert_eq!(err.field, field, "{body}: {err}");
    }
    assert!(CorePatch::parse(&json!({"description": too_long(500)})).is_ok());
}

#[test]
fn sections_map_onto_the_same_changes() {
    let patch = CorePatch::parse(&json!({
        "identity": {"name": "Santiago"},
        "overview": {"brand_name": "Santiago", "keywords": ["tacotok"]},
        "inspiration": [{"url": "https://tiktok.com/@keila", "platform": "tiktok"}],
        "accounts": [{"url": "https://tiktok.com/@santiago"}],
        "voice": {"voice_id": "v1"},
        "look": {"description": "denim jacket"}
    }))
    .unwrap();
    let keys: Vec<_> = patch.sections.iter().map(|s| s.key).collect();
    assert_eq!(
        keys,
        [
            "identity",
            "overview",
            "inspiration",
            "accounts",
            "voice",
            "look"
        ]
    );
    let inspiration = brand_of(&patch, "inspiration");
    assert_eq!(
        inspiration.monitored[0].scope,
        MonitoredScope::Kind(MonitoredKind::Account)
    );
}

#[test]
fn mixing_flat_fields_with_sections_is_refused() {
    let err = CorePatch::parse(&json!({"brand_name": "x", "overview": {}})).unwrap_err();
    assert_eq!(err.field, "brand_name");
}

#[test]
fn null_clears_a_scalar_and_empties_a_list() {
    let patch = CorePatch::parse(&json!({"goal": null, "keywords": null})).unwrap();
    let brand = brand_of(&patch, "brand");
    assert_eq!(brand.goal, Some(None));
    assert_eq!(brand.keywords, Some(vec![]));
}
