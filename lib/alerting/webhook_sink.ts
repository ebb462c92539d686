// A loopback receiver for Alertmanager's webhook: proves notifications leave Alertmanager (tests)
// and keeps them as JSON lines (`./tp alertmanager --webhook-log`). POST is its whole purpose, so
// it answers POST on one path only; everything else is 404/405.
import { z } from "zod";

export const WEBHOOK_PATH = "/alertmanager/webhook";

const NotificationSchema = z.object({
  version: z.string(),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string(),
  groupLabels: z.record(z.string(), z.string()).default({}),
  commonLabels: z.record(z.string(), z.string()).default({}),
  alerts: z.array(z.object({
    status: z.enum(["firing", "resolved"]),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()).default({}),
    startsAt: z.string(),
    endsAt: z.string(),
  })),
});
export type Notification = z.infer<typeof NotificationSchema>;

export interface WebhookSink {
  readonly url: string;
  readonly received: readonly Notification[];
  /** Bodies that were not Alertmanager notifications (answered 400). */
  readonly rejected: number;
  close(): Promise<void>;
}

/** Plain handler (testable without a port); `onNotification` sees each valid notification. */
export function webhookHandler(
  onNotification: (n: Notification) => void | Promise<void>,
  onReject: () => void,
) {
  return async (req: Request): Promise<Response> => {
    if (new URL(req.url).pathname !== WEBHOOK_PATH) return new Response("not found\n", { status: 404 });
    if (req.method !== "POST") {
      return new Response("method not allowed\n", { status: 405, headers: { allow: "POST" } });
    }
    let parsed;
    try {
      parsed = NotificationSchema.safeParse(await req.json());
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      onReject();
      return new Response("not an Alertmanager webhook notification\n", { status: 400 });
    }
    await onNotification(parsed.data);
    return new Response("ok\n");
  };
}

/** Serves the sink on host:port (0 = a free port). */
export function startWebhookSink(
  host: string,
  port = 0,
  onNotification: (n: Notification) => void | Promise<void> = () => {},
): WebhookSink {
  const received: Notification[] = [];
  let rejected = 0;
  const server = Deno.serve(
    { hostname: host, port, onListen: () => {} },
    webhookHandler(async (n) => {
      received.push(n);
      await onNotification(n);
    }, () => rejected++),
  );
  return {
    url: `http://${host}:${server.addr.port}${WEBHOOK_PATH}`,
    received,
    get rejected() {
      return rejected;
    },
    close: () => server.shutdown(),
  };
}
