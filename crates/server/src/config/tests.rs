//! The configuration layers read together: defaults, the file, the environment and flags.

use super::*;

#[test]
fn a_data_dir_written_under_the_old_database_name_keeps_its_database() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(default_database(dir.path()), dir.path().join("ace.db"));
    std::fs::write(dir.path().join("ace.db()"), b"").unwrap();
    assert_eq!(default_database(dir.path()), dir.path().join("ace.db()"));
    std::fs::write(dir.path().join("ace.db"), b"").unwrap();
    assert_eq!(default_database(dir.path()), dir.path().join("ace.db"));
}

#[test]
fn defaults_are_the_embedded_setup() {
    let settings = Settings::resolve(&ConfigArgs::default()).unwrap();
    assert_eq!(settings.bind, "127.0.0.1:8080".parse().unwrap());
    // The relative default is made absolute once, against the starting directory.
    let data = std::env::current_dir().unwrap().join("data");
    assert_eq!(settings.data_dir, data);
    assert_eq!(
        settings.database_url,
        format!("sqlite://{}", data.join("ace.db").display())
    );
    assert!(settings.models_dir.is_absolute());
    assert_eq!(settings.rate_limit_per_minute, Some(1_200));
    assert_eq!(settings.log_format, LogFormat::Text);
    assert!(matches!(settings.storage, StorageConfig::Local { .. }));
}

#[test]
fn gated_agent_tools_default_to_what_spends_credits_and_refuse_unknown_names() {
    assert_eq!(
        gated_tools(None, None).unwrap(),
        ["make_vidsheet", "run_row", "generate", "deep_research"]
    );
    assert_eq!(
        gated_tools(Some(" research, make_vidsheet ,"), None).unwrap(),
        ["research", "make_vidsheet"]
    );
    assert!(
        gated_tools(Some(""), Some(vec!["research".into()]))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        gated_tools(None, Some(vec!["research".into()])).unwrap(),
        ["research"]
    );
    let refused = gated_tools(Some("publish"), None).unwrap_err().to_string();
    assert!(refused.contains("\"publish\" is not a tool"), "{refused}");
}

#[test]
fn lane_limits_read_as_name_equals_number() {
    let limits = parse_lane_limits(" openai=8, local=2 ,").unwrap();
    assert_eq!(limits.get("openai"), Some(&8));
    assert_eq!(limits.get("local"), Some(&2));
    assert!(parse_lane_limits("openai").is_err());
    assert!(parse_lane_limits("openai=many").is_err());
}

#[test]
fn s3_storage_needs_a_bucket() {
    let args = ConfigArgs {
        storage: Some("s3".into()),
        ..ConfigArgs::default()
    };
    assert!(Settings::resolve(&args).is_err());
    let args = ConfigArgs {
        storage: Some("s3".into()),
        s3_bucket: Some("media".into()),
        s3_path_style: Some(true),
        ..ConfigArgs::default()
    };
    let StorageConfig::S3(s3) = Settings::resolve(&args).unwrap().storage else {
        panic!("s3")
    };
    assert_eq!(
        (s3.bucket.as_str(), s3.region.as_str(), s3.path_style),
        ("media", "us-east-1", true)
    );
}

#[test]
fn flags_win_over_the_file_which_wins_over_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ace.toml");
    std::fs::write(
        &file,
        "bind = \"127.0.0.1:9000\"\nstarter_credits = 50\nrate_limit_per_minute = 0\n",
    )
    .unwrap();
    let args = ConfigArgs {
        config: Some(file),
        bind: Some("127.0.0.1:9100".parse().unwrap()),
        ..ConfigArgs::default()
    };
    let settings = Settings::resolve(&args).unwrap();
    assert_eq!(settings.bind, "127.0.0.1:9100".parse().unwrap());
    assert_eq!(settings.starter_credits, Credits::whole(50));
    assert_eq!(settings.rate_limit_per_minute, None);
}

#[test]
fn providers_and_routes_come_from_the_file_the_environment_and_acemodels() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ace.toml");
    std::fs::write(
        &file,
        "[providers.openai]\napi_key = \"sk-file-secret-1\"\n[models]\ngpt_4o = \"openai:gpt-4o\"\n",
    )
    .unwrap();
    let args = ConfigArgs {
        config: Some(file),
        models: Some("speech_from_text=elevenlabs:eleven_flash_v2_5".into()),
        ..ConfigArgs::default()
    };
    let env = [(
        "ACE_PROVIDER_ELEVENLABS_API_KEY".to_owned(),
        "xi-env-secret-2".to_owned(),
    )];
    let settings = Settings::resolve_with_env(&args, env).unwrap();
    let routes: Vec<String> = settings
        .providers
        .routes
        .iter()
        .map(|r| {
            format!(
                "{}.{:?}={}:{}",
                r.kind, r.model, r.provider, r.provider_model
            )
        })
        .collect();
    assert!(
        routes.contains(&"text.Some(\"gpt_4o\")=openai:gpt-4o".to_owned()),
        "{routes:?}"
    );
    assert!(
        routes.contains(&"speech_from_text.None=elevenlabs:eleven_flash_v2_5".to_owned()),
        "{routes:?}"
    );
    let shown = format!("{settings:?}");
    assert!(!shown.contains("sk-file-secret-1") && !shown.contains("xi-env-secret-2"));
}

#[test]
fn a_provider_mistake_stops_start_up_naming_it() {
    let args = ConfigArgs {
        models: Some("gpt_4o=nobody:gpt-4o".into()),
        ..ConfigArgs::default()
    };
    let err = Settings::resolve_with_env(&args, std::iter::empty()).unwrap_err();
    assert!(
        format!("{err:#}").contains("provider nobody, which is not configured"),
        "{err:#}"
    );
}

#[test]
fn an_unknown_setting_in_the_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ace.toml");
    std::fs::write(&file, "bnd = \"127.0.0.1:9000\"\n").unwrap();
    let args = ConfigArgs {
        config: Some(file),
        ..ConfigArgs::default()
    };
    assert!(Settings::resolve(&args).is_err());
}
