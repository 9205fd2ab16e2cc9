// A 9-node nodejs-polars analysis of the flights-like table (bench/flights.ts), written as a user would.
import pl from "nodejs-polars";
import { flightsFrame } from "./flights.js";

export const flights = (rows: number): pl.DataFrame => flightsFrame(rows);

export const cleaned = (flights: pl.DataFrame): pl.DataFrame =>
  flights
    .filter(pl.col("distance").gt(0))
    .withColumns(
      pl.col("distance").div(pl.col("dep_time").add(60)).alias("speed"),
      pl.col("arr_delay").gt(15).alias("late"),
    );

export const byCarrier = (cleaned: pl.DataFrame): pl.DataFrame =>
  cleaned
    .groupBy("carrier")
    .agg(
      pl.col("arr_delay").mean().alias("mean_delay"),
      pl.col("late").sum().alias("late"),
      pl.col("flight_id").count().alias("flights"),
    )
    .sort("carrier");

export const byOrigin = (cleaned: pl.DataFrame): pl.DataFrame =>
  cleaned
    .groupBy("origin")
    .agg(pl.col("dep_delay").mean().alias("mean_dep_delay"), pl.col("distance").sum().alias("distance"))
    .sort("origin");

export const byRoute = (cleaned: pl.DataFrame): pl.DataFrame =>
  cleaned
    .groupBy(["origin", "dest"])
    .agg(pl.col("arr_delay").mean().alias("mean_delay"), pl.col("flight_id").count().alias("flights"))
    .sort(["origin", "dest"]);

export const daily = (cleaned: pl.DataFrame): pl.DataFrame =>
  cleaned
    .groupBy("day")
    .agg(pl.col("arr_delay").mean().alias("mean_delay"), pl.col("late").sum().alias("late"))
    .sort("day");

export const delayed = (cleaned: pl.DataFrame): pl.DataFrame => cleaned.filter(pl.col("dep_delay").gt(120));

export const topRoutes = (byRoute: pl.DataFrame): pl.DataFrame => byRoute.sort("mean_delay", true).head(20);

export const summary = (
  byCarrier: pl.DataFrame,
  daily: pl.DataFrame,
  delayed: pl.DataFrame,
  byOrigin: pl.DataFrame,
) => ({
  carriers: byCarrier.height,
  worstDay: daily.sort("mean_delay", true).getColumn("day").get(0) as number,
  delayed: delayed.height,
  origins: byOrigin.height,
});

export const OUTPUTS = ["summary", "topRoutes"];
