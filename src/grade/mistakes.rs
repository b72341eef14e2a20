//! The mistakes the grader can name, in English and French: each is recognised by computing the
//! wrong value it gives (see `variants.rs`) and finding the student's value equal to it.

/// The language of the grader's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// French when `LC_ALL`, `LC_MESSAGES` or `LANG` (the first set) starts with `fr`,
    /// English otherwise; as the page does from the browser's language.
    pub fn from_environment() -> Self {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    /// `en` or `fr` as this language reads.
    pub fn say(self, en: &str, fr: &str) -> String {
        match self {
            Lang::En => en.to_string(),
            Lang::Fr => fr.to_string(),
        }
    }

    /// A number as this language writes it (a decimal comma in French).
    pub fn number(self, value: f64) -> String {
        let text = if value != 0.0 && (value.abs() < 1e-3 || value.abs() >= 1e5) {
            format!("{value:.2e}")
        } else {
            let t = format!("{value:.4}");
            let t = t.trim_end_matches('0').trim_end_matches('.').to_string();
            if t == "-0" { "0".to_string() } else { t }
        };
        match self {
            Lang::En => text,
            Lang::Fr => text.replace('.', ","),
        }
    }
}

/// A mistake the grader recognises.
#[derive(Debug, Clone, PartialEq)]
pub enum Mistake {
    /// The 1/m is missing: the value is m times too large.
    MissingOneOverM,
    /// Divided by m where the lab does not (or twice).
    ExtraOneOverM,
    /// The sign is reversed.
    Sign,
    /// The right values times a constant.
    Factor(f64),
    /// The transpose of the right matrix.
    Transposed,
    /// `(n,)` where `(n, 1)` is expected: `keepdims=True` is missing.
    KeepdimsMissing,
    /// The right values under another shape.
    Reshaped,
    /// Summed (or averaged) over the units instead of the examples.
    WrongAxis,
    /// Summed over every entry: no axis.
    NoAxis,
    /// A1(1 − A1) (sigmoid's derivative) where 1 − A1² (tanh's) belongs.
    SigmoidDerivativeForTanh,
    /// 1 − A1² where A1(1 − A1) belongs.
    TanhDerivativeForSigmoid,
    /// The derivative computed from Z1 where the lab writes it with A1.
    DerivativeOfZ,
    /// The activation's derivative is missing: dZ1 = dA1.
    DerivativeMissing,
    /// dA1 already multiplied by the activation's derivative: that is dZ1.
    DerivativeAlreadyApplied,
    /// dZ2 multiplied by σ'(Z2): with binary cross-entropy it cancels.
    SigmoidPrimeInOutput,
    /// Z1 used where A1 belongs.
    Z1ForA1,
    /// The bias is not added.
    BiasMissing(&'static str),
    /// Softmax over the examples instead of the classes.
    SoftmaxWrongAxis,
    /// NaN or ±inf for large |Z|: `np.exp` overflowed.
    Overflow,
    /// The loss divided by m × classes (`np.mean` over every entry).
    LossMeanAll,
    /// The loss summed, not divided by m.
    LossNoMean,
    /// log10 in place of the natural logarithm.
    Log10,
    /// Binary cross-entropy without its (1 − Y)·log(1 − A2) term.
    BceHalf,
    /// p + η·dp: the step goes up the gradient.
    SgdAscent,
    /// p − dp: η is missing.
    SgdNoEta,
    /// The parameters come back unchanged.
    SgdNoChange,
    /// Weights that do not follow the lab's distribution (given as the lab writes it).
    InitDistribution(String),
    /// Biases that do not start at zero.
    BiasNotZero,
    /// The quantity is right given the student's own `0`, which is wrong: only that mistake
    /// carries over.
    FollowsFrom(&'static str),
    /// Another quantity's mistake seen through this one (e.g. dZ1's, through dW1).
    Through(&'static str, Box<Mistake>),
}

impl Mistake {
    /// The mistake in a sentence; `m` is the batch size the grader used.
    pub fn describe(&self, lang: Lang, m: usize) -> String {
        use Mistake::*;
        match self {
            MissingOneOverM => lang.say(
                &format!("the 1/m is missing (m = {m} times too large)"),
                &format!("le 1/m manque (m = {m} fois trop grand)"),
            ),
            ExtraOneOverM => lang.say(
                &format!("divided by m once too often (m = {m} times too small)"),
                &format!("divisé par m une fois de trop (m = {m} fois trop petit)"),
            ),
            Sign => lang.say("the sign is reversed", "le signe est inversé"),
            Factor(c) => lang.say(
                &format!("the right values times {}", lang.number(*c)),
                &format!("les bonnes valeurs multipliées par {}", lang.number(*c)),
            ),
            Transposed => lang.say(
                "transposed (the right values, rows and columns swapped)",
                "transposé (les bonnes valeurs, lignes et colonnes échangées)",
            ),
            KeepdimsMissing => lang.say(
                "shape (n,) instead of (n, 1): keepdims=True is missing in np.sum",
                "forme (n,) au lieu de (n, 1) : il manque keepdims=True dans np.sum",
            ),
            Reshaped => lang.say(
                "the right values, under another shape",
                "les bonnes valeurs, sous une autre forme",
            ),
            WrongAxis => lang.say(
                "summed over the wrong axis (the units instead of the examples)",
                "somme sur le mauvais axe (les unités au lieu des exemples)",
            ),
            NoAxis => lang.say(
                "summed over every entry: the axis is missing",
                "somme de toutes les valeurs : l'axe manque",
            ),
            SigmoidDerivativeForTanh => lang.say(
                "A1(1 − A1) in place of 1 − A1²: sigmoid's derivative where tanh's belongs",
                "A1(1 − A1) au lieu de 1 − A1² : la dérivée de sigmoïde à la place de celle de tanh",
            ),
            TanhDerivativeForSigmoid => lang.say(
                "1 − A1² in place of A1(1 − A1): tanh's derivative where sigmoid's belongs",
                "1 − A1² au lieu de A1(1 − A1) : la dérivée de tanh à la place de celle de sigmoïde",
            ),
            DerivativeOfZ => lang.say(
                "the derivative written with Z1 where the lab writes it with A1",
                "la dérivée écrite avec Z1 là où le TP l'écrit avec A1",
            ),
            DerivativeMissing => lang.say(
                "the activation's derivative is missing (dZ1 = dA1)",
                "la dérivée de l'activation manque (dZ1 = dA1)",
            ),
            DerivativeAlreadyApplied => lang.say(
                "already multiplied by the activation's derivative (that is dZ1)",
                "déjà multiplié par la dérivée de l'activation (c'est dZ1)",
            ),
            SigmoidPrimeInOutput => lang.say(
                "multiplied by σ'(Z2) = A2(1 − A2): with binary cross-entropy it cancels, dZ2 = A2 − Y",
                "multiplié par σ'(Z2) = A2(1 − A2) : avec l'entropie croisée binaire il se simplifie, dZ2 = A2 − Y",
            ),
            Z1ForA1 => lang.say("Z1 used where A1 belongs", "Z1 utilisé à la place de A1"),
            BiasMissing(b) => lang.say(
                &format!("the bias {b} is not added"),
                &format!("le biais {b} n'est pas ajouté"),
            ),
            SoftmaxWrongAxis => lang.say(
                "softmax over the wrong axis (the examples instead of the classes)",
                "softmax sur le mauvais axe (les exemples au lieu des classes)",
            ),
            Overflow => lang.say(
                "NaN or inf for large |Z|: np.exp overflowed (for softmax, subtract the maximum first)",
                "NaN ou inf pour |Z| grand : np.exp a débordé (pour softmax, soustraire le maximum d'abord)",
            ),
            LossMeanAll => lang.say(
                "divided by m × 10 (np.mean over every entry) where the lab divides by m",
                "divisé par m × 10 (np.mean sur toutes les valeurs) là où le TP divise par m",
            ),
            LossNoMean => lang.say(
                "summed over the batch, not divided by m",
                "somme sur le lot, sans diviser par m",
            ),
            Log10 => lang.say(
                "log10 in place of the natural logarithm",
                "log10 au lieu du logarithme népérien",
            ),
            BceHalf => lang.say(
                "the (1 − Y)·log(1 − A2) term of the binary cross-entropy is missing",
                "le terme (1 − Y)·log(1 − A2) de l'entropie croisée binaire manque",
            ),
            SgdAscent => lang.say(
                "p + η·dp: the step goes up the gradient",
                "p + η·dp : le pas monte le gradient",
            ),
            SgdNoEta => lang.say("p − dp: η is missing", "p − dp : η manque"),
            SgdNoChange => lang.say(
                "the parameters come back unchanged",
                "les paramètres reviennent inchangés",
            ),
            InitDistribution(expected) => lang.say(
                &format!("the weights are not drawn from the lab's {expected}"),
                &format!("les poids ne sont pas tirés selon la loi {expected} du TP"),
            ),
            BiasNotZero => lang.say(
                "the biases do not start at zero",
                "les biais ne partent pas de zéro",
            ),
            FollowsFrom(upstream) => lang.say(
                &format!("right given your own {upstream}, which is wrong: only {upstream}'s mistake carries over"),
                &format!("juste à partir de votre {upstream}, qui est faux : seule l'erreur de {upstream} se propage"),
            ),
            Through(upstream, inner) => lang.say(
                &format!("from {upstream}: {}", inner.describe(lang, m)),
                &format!("vient de {upstream} : {}", inner.describe(lang, m)),
            ),
        }
    }

    /// A stable identifier for tests and the CSV, e.g. `missing-1/m`, `dZ1:transposed`.
    pub fn code(&self) -> String {
        use Mistake::*;
        match self {
            MissingOneOverM => "missing-1/m".into(),
            ExtraOneOverM => "extra-1/m".into(),
            Sign => "sign".into(),
            Factor(_) => "factor".into(),
            Transposed => "transposed".into(),
            KeepdimsMissing => "keepdims".into(),
            Reshaped => "reshaped".into(),
            WrongAxis => "axis".into(),
            NoAxis => "no-axis".into(),
            SigmoidDerivativeForTanh => "sigmoid-derivative".into(),
            TanhDerivativeForSigmoid => "tanh-derivative".into(),
            DerivativeOfZ => "derivative-of-z".into(),
            DerivativeMissing => "derivative-missing".into(),
            DerivativeAlreadyApplied => "derivative-applied".into(),
            SigmoidPrimeInOutput => "sigmoid-prime-output".into(),
            Z1ForA1 => "z1-for-a1".into(),
            BiasMissing(_) => "bias-missing".into(),
            SoftmaxWrongAxis => "softmax-axis".into(),
            Overflow => "overflow".into(),
            LossMeanAll => "mean-all".into(),
            LossNoMean => "no-mean".into(),
            Log10 => "log10".into(),
            BceHalf => "bce-half".into(),
            SgdAscent => "ascent".into(),
            SgdNoEta => "no-eta".into(),
            SgdNoChange => "unchanged".into(),
            InitDistribution(_) => "distribution".into(),
            BiasNotZero => "bias-not-zero".into(),
            FollowsFrom(upstream) => format!("follows:{upstream}"),
            Through(upstream, inner) => format!("{upstream}:{}", inner.code()),
        }
    }
}
