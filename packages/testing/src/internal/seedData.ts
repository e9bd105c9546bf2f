import type * as SeedData from "../SeedData.js"
import * as Prng from "./prng.js"

interface Leaf {
  readonly path: ReadonlyArray<string>
  readonly prefix: string
  readonly audience: string
}

const leaf = (prefix: string, audience: string, ...path: ReadonlyArray<string>): Leaf => ({ path, prefix, audience })

const taxonomy: ReadonlyArray<Leaf> = [
  leaf("AUTO-EV", "are actively researching electric vehicles", "Auto Intenders", "Electric Vehicles"),
  leaf("AUTO-SUV", "are in market for an SUV", "Auto Intenders", "SUVs"),
  leaf("AUTO-LUX", "browse luxury car reviews", "Auto Intenders", "Luxury Cars"),
  leaf("AUTO-USED", "compare used car listings", "Auto Intenders", "Used Cars"),
  leaf("SPRT-EPL", "follow Premier League fixtures", "Sports", "Football", "Premier League Fans"),
  leaf("SPRT-UCL", "read Champions League coverage", "Sports", "Football", "Champions League Fans"),
  leaf("SPRT-F1", "watch Formula 1 race weekends", "Sports", "Motorsport", "Formula 1 Fans"),
  leaf("SPRT-TEN", "follow Grand Slam tennis", "Sports", "Tennis", "Grand Slam Followers"),
  leaf("SPRT-RUN", "read running and marathon content", "Sports", "Running", "Marathon Runners"),
  leaf("TRVL-BIZ", "book frequent business trips", "Travel", "Business Travellers"),
  leaf("TRVL-FAM", "plan family holidays", "Travel", "Family Holidays"),
  leaf("TRVL-LUX", "research luxury hotels and resorts", "Travel", "Luxury Travel"),
  leaf("TRVL-CITY", "look for short city breaks", "Travel", "City Breaks"),
  leaf("FIN-MORT", "compare mortgage rates", "Finance", "Mortgages", "First-Time Buyers"),
  leaf("FIN-INV", "read investing and stock market news", "Finance", "Investing", "Retail Investors"),
  leaf("FIN-CRED", "compare credit card offers", "Finance", "Credit Cards"),
  leaf("FIN-CRYP", "follow cryptocurrency prices", "Finance", "Investing", "Crypto Enthusiasts"),
  leaf("RTL-LUX", "shop for luxury fashion", "Retail", "Fashion", "Luxury Shoppers"),
  leaf("RTL-SNK", "follow sneaker releases", "Retail", "Fashion", "Sneakerheads"),
  leaf("RTL-GRO", "order groceries online", "Retail", "Grocery", "Online Grocery Shoppers"),
  leaf("RTL-BF", "hunt for Black Friday deals", "Retail", "Seasonal", "Black Friday Bargain Hunters"),
  leaf("TECH-CON", "read console gaming news", "Technology", "Gaming", "Console Gamers"),
  leaf("TECH-PC", "research PC gaming hardware", "Technology", "Gaming", "PC Gamers"),
  leaf("TECH-PHN", "compare new smartphones", "Technology", "Mobile", "Smartphone Upgraders"),
  leaf("TECH-SMH", "research smart home devices", "Technology", "Smart Home"),
  leaf("ENT-DRAM", "watch drama series on streaming services", "Entertainment", "Streaming", "Drama Fans"),
  leaf("ENT-DOC", "watch documentaries", "Entertainment", "Streaming", "Documentary Viewers"),
  leaf("ENT-FEST", "look for music festival tickets", "Entertainment", "Music", "Festival Goers"),
  leaf("ENT-POD", "listen to true crime podcasts", "Entertainment", "Podcasts", "True Crime"),
  leaf("FOOD-VEG", "read plant-based recipes", "Food & Drink", "Cooking", "Vegan Recipes"),
  leaf("FOOD-WINE", "read wine reviews", "Food & Drink", "Wine Lovers"),
  leaf("FOOD-BAKE", "read baking recipes", "Food & Drink", "Cooking", "Home Bakers"),
  leaf("HLTH-FIT", "read home workout content", "Health & Fitness", "Home Workouts"),
  leaf("HLTH-YOGA", "follow yoga and wellbeing content", "Health & Fitness", "Yoga"),
  leaf("HLTH-DIET", "research healthy eating", "Health & Fitness", "Nutrition", "Healthy Eating"),
  leaf("HOME-DIY", "read DIY and home improvement guides", "Home & Garden", "DIY"),
  leaf("HOME-GARD", "read gardening tips", "Home & Garden", "Gardening"),
  leaf("HOME-MOVE", "are about to move house", "Home & Garden", "Moving Home"),
  leaf("PAR-NEW", "read pregnancy and newborn content", "Parenting", "New Parents"),
  leaf("PAR-SCH", "research schools and education", "Parenting", "School Age Children"),
  leaf("DEM-2534", "are estimated to be aged 25-34", "Demographics", "Age", "25-34"),
  leaf("DEM-HHI", "are estimated to be high-income households", "Demographics", "Household Income", "High Income"),
  leaf("NEWS-POL", "read politics coverage daily", "News", "Politics", "Daily Readers"),
  leaf("NEWS-BIZ", "read business news", "News", "Business", "Decision Makers"),
  leaf("EDU-MBA", "research MBA programmes", "Education", "Postgraduate", "MBA Prospects"),
  leaf("PETS-DOG", "read dog care content", "Pets", "Dog Owners"),
  leaf("PETS-CAT", "read cat care content", "Pets", "Cat Owners")
]

const qualifiers: ReadonlyArray<{ readonly name: string; readonly code: string; readonly text: string }> = [
  { name: "High Propensity", code: "HP", text: "with a high propensity score" },
  { name: "Lookalike", code: "LAL", text: "modelled as lookalikes of" },
  { name: "Last 30 Days", code: "30D", text: "seen in the last 30 days" },
  { name: "Engaged", code: "ENG", text: "with above-average engagement" },
  { name: "Mobile", code: "MOB", text: "on mobile devices" },
  { name: "UK", code: "UK", text: "in the United Kingdom" }
]

const slug = (s: string): string =>
  s.toLowerCase().replace(/&/g, "and").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "")

const absent: unique symbol = Symbol("absent")

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

/** 2023-01-01T00:00:00Z */
const epoch = Date.UTC(2023, 0, 1)
/** about 18 months of seconds */
const spanSeconds = 548 * 24 * 60 * 60

/** @internal */
export const timestamp = (rng: Prng.Prng): string => {
  const seconds = rng.int(0, spanSeconds)
  const micros = rng.int(0, 999_999)
  return `${new Date(epoch + seconds * 1000).toISOString().slice(0, 19)}.${pad(micros, 6)}Z`
}

const cpmOf = (rng: Prng.Prng): number => {
  // a mix of integers (like the spec example's `2`) and two-decimal doubles
  if (rng.chance(0.35)) return rng.int(1, 6)
  const cents = rng.int(5, 24) * 25 // 1.25 .. 6.00 in quarter steps
  const value = cents / 100
  return Number.isInteger(value) ? value + 0.5 : value
}

/** @internal */
export const generateSegments = (options: SeedData.GenerateSegmentsOptions): Array<SeedData.WireSegment> => {
  const rng = Prng.make(Prng.hash32(`segments\u0000${Prng.seedOf(options.seed)}\u0000${options.importId}`))
  const count = Math.max(0, Math.trunc(options.count))
  const usedNames = new Set<string>()
  // the next numeric suffix to try per qualified name: names `stem 2`, `stem 3`, ... are only ever
  // made by the loop below, in order, so starting where it stopped gives the same names in O(1)
  const nextSuffix = new Map<string, number>()
  const codeStyle = rng.chance(0.5) ? "numeric" : "prefixed"
  const numericBase = rng.int(1000, 8999)
  const segments: Array<SeedData.WireSegment> = []
  for (let i = 0; i < count; i++) {
    const base = rng.pick(taxonomy)
    let name = base.path.join(" > ")
    let audience = `People who ${base.audience}`
    let prefix = base.prefix
    if (usedNames.has(name)) {
      const q = rng.pick(qualifiers)
      name = `${name} > ${q.name}`
      audience = `${audience}, ${q.text}`
      prefix = `${prefix}-${q.code}`
      const stem = name
      if (usedNames.has(stem)) {
        let n = nextSuffix.get(stem) ?? 2
        do name = `${stem} ${n++}`
        while (usedNames.has(name))
        nextSuffix.set(stem, n)
      }
    }
    usedNames.add(name)
    const code = codeStyle === "numeric" ? String(numericBase + i) : `${prefix}-${pad(i + 1, 4)}`
    const id = Prng.uuid(["segment", Prng.seedOf(options.seed), options.importId, i])
    const d = rng.next()
    const description = d < 0.7 ? `${audience}.` : d < 0.85 ? null : absent
    const c = rng.next()
    const cpm = c < 0.75 ? cpmOf(rng) : c < 0.9 ? null : absent
    const k = rng.next()
    const categories = k < 0.7
      ? [
        ...base.path.slice(0, -1).map(slug),
        ...(rng.chance(0.5) ? [`IAB${rng.int(1, 26)}-${rng.int(1, 20)}`] : [])
      ]
      : k < 0.8
      ? []
      : k < 0.9
      ? null
      : absent
    const updated_at = timestamp(rng)
    // key order of the spec example; an absent field has no key at all
    segments.push({
      id,
      code,
      name,
      import_id: options.importId,
      ...(description === absent ? {} : { description }),
      ...(cpm === absent ? {} : { cpm }),
      ...(categories === absent ? {} : { categories }),
      updated_at
    })
  }
  return segments
}

/** @internal */
export const generateImport = (options: SeedData.GenerateImportOptions): SeedData.SeedImport => {
  const seed = Prng.seedOf(options.seed)
  const importId = options.importId ?? Prng.uuid(["import", seed])
  const count = options.count ?? Prng.make(Prng.hash32(`count\u0000${seed}`)).int(20, 250)
  return { importId, segments: generateSegments({ importId, count, seed }) }
}

/** @internal */
export const generateImports = (options: SeedData.GenerateImportsOptions): Array<SeedData.SeedImport> => {
  const seed = Prng.seedOf(options.seed)
  const rng = Prng.make(Prng.hash32(`imports\u0000${seed}`))
  const [min, max] = typeof options.segments === "number"
    ? [options.segments, options.segments]
    : options.segments ?? [20, 250]
  const out: Array<SeedData.SeedImport> = []
  for (let i = 0; i < options.count; i++) {
    const importId = Prng.uuid(["import", seed, i])
    out.push({ importId, segments: generateSegments({ importId, count: rng.int(min, max), seed }) })
  }
  return out
}
