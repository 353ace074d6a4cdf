//! Language identification on article-length texts written for these tests, in the
//! languages our wires carry, and on the sample articles (whose hints are right).

use newswire_enricher::enrich;
use newswire_enricher::language::identify;
use newswire_shared::testing::samples;
use newswire_shared::Article;

/// (expected tag, text). Short wire-style paragraphs, written for this test.
const TEXTS: &[(&str, &str)] = &[
    ("en", "The government approved the draft budget for next year on Thursday. Spending on health care and education will rise, the finance minister told reporters after the cabinet meeting. Parliament is expected to vote on the plan in December."),
    ("ru", "Правительство в четверг одобрило проект бюджета на следующий год. Расходы на здравоохранение и образование вырастут, сообщил журналистам министр финансов после заседания кабинета. Парламент рассмотрит документ в декабре."),
    ("be", "Урад у чацвер ухваліў праект бюджэту на наступны год. Выдаткі на ахову здароўя і адукацыю павялічацца, паведаміў журналістам міністр фінансаў пасля пасяджэння ўрада. Парламент разгледзіць дакумент у снежні."),
    ("uk", "Уряд у четвер схвалив проєкт бюджету на наступний рік. Видатки на охорону здоров'я та освіту зростуть, повідомив журналістам міністр фінансів після засідання кабінету. Парламент розгляне документ у грудні, а громадськість зможе висловити свої пропозиції."),
    ("kk", "Үкімет бейсенбі күні келесі жылға арналған бюджет жобасын мақұлдады. Денсаулық сақтау мен білім беруге жұмсалатын шығыстар артады, деді қаржы министрі отырыстан кейін журналистерге. Парламент құжатты желтоқсанда қарайды."),
    ("ky", "Өкмөт бейшемби күнү кийинки жылдын бюджетинин долбоорун жактырды. Саламаттыкты сактоого жана билим берүүгө кеткен чыгымдар көбөйөт, деп билдирди каржы министри жыйындан кийин журналисттерге. Парламент документти декабрда карайт, жаңы мыйзам кабыл алынат."),
    ("sr", "Влада је у четвртак усвојила нацрт буџета за следећу годину. Издаци за здравство и образовање ће порасти, рекао је новинарима министар финансија после седнице. Скупштина ће о документу расправљати у децембру."),
    ("sr-Latn", "Vlada je u četvrtak usvojila nacrt budžeta za sledeću godinu. Izdaci za zdravstvo i obrazovanje će porasti, rekao je novinarima ministar finansija posle sednice. Skupština će o dokumentu raspravljati u decembru, a opštine očekuju više novca."),
    ("bg", "Правителството одобри в четвъртък проектобюджета за следващата година. Разходите за здравеопазване и образование ще се увеличат, каза пред журналисти финансовият министър след заседанието. Парламентът ще гласува документа през декември."),
    ("de", "Die Regierung hat am Donnerstag den Haushaltsentwurf für das kommende Jahr gebilligt. Die Ausgaben für Gesundheit und Bildung sollen steigen, sagte der Finanzminister nach der Kabinettssitzung. Das Parlament soll im Dezember abstimmen."),
    ("fr", "Le gouvernement a approuvé jeudi le projet de budget pour l'année prochaine. Les dépenses de santé et d'éducation vont augmenter, a déclaré le ministre des Finances à l'issue du conseil des ministres. Le Parlement doit se prononcer en décembre."),
    ("es", "El Gobierno aprobó el jueves el proyecto de presupuestos para el próximo año. El gasto en sanidad y educación aumentará, dijo el ministro de Hacienda tras la reunión del Consejo de Ministros. El Parlamento votará el plan en diciembre."),
    ("es", "El Real Madrid venció dos a uno al Valencia en el estadio. Vinícius marcó el gol de la victoria en el minuto ochenta. El entrenador destacó el trabajo defensivo del equipo, que sigue segundo en la liga a tres puntos del líder."),
    ("ca", "El Govern va aprovar dijous el projecte de pressupostos per a l'any vinent. La despesa en sanitat i educació augmentarà, va dir el conseller d'Economia després de la reunió del Consell Executiu. El Parlament votarà el pla al desembre."),
    ("it", "Il governo ha approvato giovedì il progetto di bilancio per il prossimo anno. La spesa per la sanità e l'istruzione aumenterà, ha detto il ministro dell'Economia dopo il Consiglio dei ministri. Il Parlamento voterà il piano a dicembre."),
    ("pl", "Rząd przyjął w czwartek projekt budżetu na przyszły rok. Wydatki na ochronę zdrowia i edukację wzrosną, powiedział dziennikarzom minister finansów po posiedzeniu rządu. Sejm zajmie się dokumentem w grudniu."),
    ("tr", "Hükümet perşembe günü gelecek yılın bütçe taslağını onayladı. Sağlık ve eğitim harcamaları artacak, dedi maliye bakanı kabine toplantısının ardından gazetecilere. Meclis planı aralık ayında oylayacak."),
    ("zh", "政府周四批准了明年的预算草案。财政部长在内阁会议后对记者表示，卫生和教育支出将会增加。议会预计将于十二月对该计划进行表决。"),
    ("ja", "政府は木曜日、来年度の予算案を承認した。財務大臣は閣議の後、記者団に対し、医療と教育への支出が増えると述べた。議会は十二月に採決する見通しだ。"),
    ("ar", "وافقت الحكومة يوم الخميس على مشروع موازنة العام المقبل. وقال وزير المالية للصحفيين بعد اجتماع مجلس الوزراء إن الإنفاق على الصحة والتعليم سيرتفع. ومن المتوقع أن يصوت البرلمان على الخطة في ديسمبر."),
];

#[test]
fn every_article_length_text_gets_its_language() {
    let mut wrong = Vec::new();
    for (want, text) in TEXTS {
        let got = identify(text).map(|i| i.tag).unwrap_or_default();
        if got != *want {
            wrong.push(format!("{want}: got {got}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:?}");
}

#[test]
fn samples_keep_their_right_hints_and_a_wrong_hint_is_overruled() {
    for a in samples() {
        let hint = a.language.clone();
        let e = enrich(a.clone()).enrichment.unwrap();
        if let Some(h) = hint {
            assert_eq!(e.language, h, "{}", a.id);
            assert!(
                e.language_confidence >= 0.5,
                "{}: {}",
                a.id,
                e.language_confidence
            );
        }
    }
    let mut russian = samples()
        .into_iter()
        .find(|a| a.language.as_deref() == Some("ru"))
        .unwrap();
    russian.language = Some("en".into());
    assert_eq!(enrich(russian).enrichment.unwrap().language, "ru");
}

#[test]
fn the_seed_dateline_is_parsed() {
    let seed = samples().remove(0);
    let e = enrich(seed).enrichment.unwrap();
    let d = e.dateline.unwrap();
    assert_eq!(d.place.as_deref(), Some("Astana"));
    assert_eq!(d.date.as_deref(), Some("2024-11-28"));
    assert_eq!(d.source.as_deref(), Some("BelTA"));
    assert_eq!(e.language, "en");
    assert_eq!(e.keywords, ["CSTO", "Summit", "Astana"]);
}

/// The seed article (English) with another headline.
fn seed_headlined(headline: &str) -> Article {
    let mut a = samples().remove(0);
    a.headline = headline.into();
    a
}

#[test]
fn a_headline_in_another_language_is_tagged() {
    let e = enrich(seed_headlined("Лукашенко прибыл на саммит ОДКБ в Астане"))
        .enrichment
        .unwrap();
    assert_eq!(e.language, "en");
    assert_eq!(e.headline_language.as_deref(), Some("ru"));
}

#[test]
fn a_headline_in_the_bodys_language_is_not_tagged_as_a_close_relative() {
    // CLD2 alone reads both headlines as Galician or Occitan.
    for headline in [
        "Valencia refuerza las defensas contra las inundaciones",
        "La selección vence por dos goles y se clasifica para la final",
    ] {
        let mut a = seed_headlined(headline);
        a.body = format!(
            "<p>{}</p>",
            TEXTS.iter().find(|(t, _)| *t == "es").unwrap().1
        );
        a.language = None;
        let e = enrich(a).enrichment.unwrap();
        assert_eq!(e.language, "es");
        assert_eq!(e.headline_language, None, "{headline}");
    }
}

#[test]
fn a_headline_in_another_latin_script_language_is_tagged() {
    let headline = "Die Regierung beschließt den Haushalt für das kommende Jahr";
    let e = enrich(seed_headlined(headline)).enrichment.unwrap();
    assert_eq!(e.language, "en");
    assert_eq!(e.headline_language.as_deref(), Some("de"));
}
