//! Reading exported files of each shape into posts and comments.

use ace_domain::knowledge::monitoring::Platform;
use ace_sources::import::{Format, Item, read};
use serde_json::json;

fn posts(items: &[Item]) -> Vec<&ace_domain::knowledge::content::Post> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Post(post) => Some(post),
            Item::Comment(_) => None,
        })
        .collect()
}

fn comments(items: &[Item]) -> Vec<&ace_domain::knowledge::content::Comment> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Comment(comment) => Some(comment),
            Item::Post(_) => None,
        })
        .collect()
}

#[test]
fn apify_tiktok_records_become_posts_with_their_metrics() {
    let file = json!([{
        "id": "7301234567890123456",
        "text": "3 serums that changed my skin #skincare",
        "createTimeISO": "2026-11-30T18:04:05.000Z",
        "webVideoUrl": "https://www.tiktok.com/@glowlab/video/7301234567890123456",
        "playCount": 120500, "diggCount": 9100, "commentCount": 312,
        "shareCount": 410, "collectCount": 1503,
        "authorMeta": {"name": "glowlab", "fans": 88000},
        "videoMeta": {"duration": 31, "coverUrl": "https://p16.example/cover.jpeg"}
    }]);
    let read = read(file.to_string().as_bytes(), None);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let post = posts(&read.items)[0];
    assert_eq!(post.platform, Platform::TikTok);
    assert_eq!(post.platform_id, "7301234567890123456");
    assert_eq!(post.author.as_deref(), Some("glowlab"));
    assert_eq!(post.metrics.views, Some(120_500));
    assert_eq!(post.metrics.likes, Some(9_100));
    assert_eq!(post.metrics.saves, Some(1_503));
    assert_eq!(
        post.created_at.unwrap().to_rfc3339(),
        "2026-11-30T18:04:05+00:00"
    );
    assert_eq!(post.media_urls, ["https://p16.example/cover.jpeg"]);
    assert_eq!(post.raw["authorMeta"]["fans"], 88000);
}

#[test]
fn apify_instagram_posts_and_comments_are_told_apart() {
    let ndjson = [
        json!({"id": "3150001", "shortCode": "C0abc12", "caption": "New drop", "url": "https://www.instagram.com/p/C0abc12/",
               "ownerUsername": "fashionbrand", "timestamp": "2026-12-01T09:00:00.000Z",
               "likesCount": 2200, "commentsCount": 48, "videoViewCount": 30100,
               "displayUrl": "https://scontent.example/c0abc12.jpg", "type": "Video"}),
        json!({"id": "17990001", "text": "love this", "ownerUsername": "fan_1",
               "timestamp": "2026-12-01T10:00:00.000Z", "likesCount": 3,
               "postUrl": "https://www.instagram.com/p/C0abc12/"}),
    ]
    .iter()
    .map(|record| record.to_string())
    .collect::<Vec<_>>()
    .join("\n");
    let read = read(ndjson.as_bytes(), None);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let post = posts(&read.items)[0];
    assert_eq!(post.platform, Platform::Instagram);
    assert_eq!(post.metrics.views, Some(30_100));
    assert_eq!(post.metrics.comments, Some(48));
    let comment = comments(&read.items)[0];
    assert_eq!(comment.post_platform_id, "C0abc12");
    assert_eq!(comment.author.as_deref(), Some("fan_1"));
    assert_eq!(comment.likes, Some(3));
}

#[test]
fn youtube_api_videos_and_comment_threads_are_read_with_string_counts() {
    let file = json!({"items": []});
    assert!(read(file.to_string().as_bytes(), None).items.is_empty());
    let records = [
        json!({"kind": "youtube#video", "id": "dQw4w9WgXcQ",
               "snippet": {"title": "Knife skills in 60 seconds", "description": "#cooking basics",
                           "channelTitle": "ChefLab", "publishedAt": "2026-11-20T12:00:00Z",
                           "thumbnails": {"high": {"url": "https://i.ytimg.example/hq.jpg"}}},
               "statistics": {"viewCount": "1500000", "likeCount": "42000", "commentCount": "900"}}),
        json!({"kind": "youtube#commentThread", "id": "Ugx1",
               "snippet": {"videoId": "dQw4w9WgXcQ",
                           "topLevelComment": {"id": "Ugx1", "snippet": {
                               "textOriginal": "Finally I can dice onions", "authorDisplayName": "Sam",
                               "likeCount": 17, "publishedAt": "2026-11-21T08:00:00Z"}}}}),
    ];
    let read = read(
        json!(records).to_string().as_bytes(),
        Some(Format::YouTubeApi),
    );
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let post = posts(&read.items)[0];
    assert_eq!(
        post.url.as_deref(),
        Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    );
    assert_eq!(post.metrics.views, Some(1_500_000));
    assert_eq!(post.text, "Knife skills in 60 seconds\n\n#cooking basics");
    let comment = comments(&read.items)[0];
    assert_eq!(comment.post_platform_id, "dQw4w9WgXcQ");
    assert_eq!(comment.text, "Finally I can dice onions");
}

#[test]
fn a_bad_line_is_reported_with_its_number_and_never_drops_the_good_ones() {
    let ndjson = format!(
        "{}\n\nnot json at all\n{}\n{}\n",
        json!({"platform": "tiktok", "id": "1", "text": "first", "views": 10}),
        json!({"platform": "myspace", "id": "2"}),
        json!({"platform": "youtube", "id": "c1", "post_id": "v1", "text": "a comment", "likes": "4"}),
    );
    let read = read(ndjson.as_bytes(), None);
    assert_eq!(read.items.len(), 2);
    let lines: Vec<usize> = read.problems.iter().map(|p| p.at).collect();
    assert_eq!(lines, [3, 4]);
    assert!(read.problems[0].message.contains("not JSON"));
    assert!(
        read.problems[1].message.contains("platform"),
        "{}",
        read.problems[1].message
    );
    assert_eq!(comments(&read.items)[0].likes, Some(4));
}

#[test]
fn a_record_of_no_known_shape_asks_for_a_format() {
    let read = read(json!([{"title": "?"}]).to_string().as_bytes(), None);
    assert_eq!(read.problems.len(), 1);
    assert_eq!(read.problems[0].at, 1);
    assert!(read.problems[0].message.contains("format"));
    assert_eq!("youtube_api".parse::<Format>(), Ok(Format::YouTubeApi));
    assert!(
        "csv"
            .parse::<Format>()
            .unwrap_err()
            .contains("tiktok_apify")
    );
}

#[test]
fn an_apify_csv_export_with_slash_paths_is_read_like_its_json() {
    let csv = "id,text,webVideoUrl,playCount,diggCount,authorMeta/name,videoMeta/coverUrl,createTimeISO\n\
               7301,\"3 serums, one routine\",https://www.tiktok.com/@glowlab/video/7301,120500,9100,glowlab,https://p16.example/c.jpeg,2026-11-30T18:04:05.000Z\n\
               7302,second,https://www.tiktok.com/@glowlab/video/7302,not-a-number,,glowlab,,\n";
    let imported = read(csv.as_bytes(), None);
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    let found = posts(&imported.items);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].text, "3 serums, one routine");
    assert_eq!(found[0].author.as_deref(), Some("glowlab"));
    assert_eq!(found[0].metrics.views, Some(120_500));
    assert_eq!(found[0].media_urls, ["https://p16.example/c.jpeg"]);
    assert_eq!(
        found[1].metrics.views, None,
        "a count that is not a number is left out"
    );
    let generic = "platform,id,post_id,text,likes\ninstagram,c9,C0abc12,nice,2\nvine,c10,x,y,1\n";
    let imported = read(generic.as_bytes(), None);
    assert_eq!(comments(&imported.items)[0].post_platform_id, "C0abc12");
    assert_eq!(imported.problems.len(), 1);
    assert_eq!(imported.problems[0].at, 3, "the bad row's line");
}
