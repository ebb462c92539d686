// Port Contract v1: one file (config/ports.json) is the only place a port number lives.
import { z } from "zod";
import raw from "../../config/ports.json" with { type: "json" };

const PortsSchema = z.object({
  version: z.literal(1),
  host: z.string().min(1),
  ports: z.object({
    prometheus: z.number().int().min(1).max(65535),
    ai_live: z.number().int().min(1).max(65535),
    shadow_mvs: z.number().int().min(1).max(65535),
    peak_trade_web: z.number().int().min(1).max(65535),
    live_connector: z.number().int().min(1).max(65535),
    alertmanager: z.number().int().min(1).max(65535),
    venue_sim: z.number().int().min(1).max(65535),
    live_loop: z.number().int().min(1).max(65535),
    store_writer: z.number().int().min(1).max(65535),
    node: z.number().int().min(1).max(65535),
  }),
});

const parsed = PortsSchema.parse(raw);

/** Every port of the stack, by job / component name. */
export const PORTS: Readonly<z.infer<typeof PortsSchema>["ports"]> = Object.freeze(parsed.ports);
export type Component = keyof typeof PORTS;

/** Where servers bind unless told otherwise: loopback only. */
export function bindHost(): string {
  return Deno.env.get("TICKPROOF_BIND_HOST") ?? parsed.host;
}
