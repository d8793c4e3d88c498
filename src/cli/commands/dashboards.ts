import { dashboardsOf } from "../../wiring/dashboards.ts";
import type { CommandImplementation } from "../command.ts";

export const dashboardsBuildImplementation: CommandImplementation = {
  async run(ctx) {
    const dashboards = dashboardsOf(ctx.cwd);
    const files = await dashboards.generated();
    const written = dashboards.write(files);
    if (ctx.out.json) {
      ctx.out.stdout(`${JSON.stringify({ files: files.map((f) => f.path), written }, null, 2)}\n`);
    } else {
      for (const path of written) ctx.out.stdout(`wrote ${path}\n`);
      ctx.out.stdout(`${files.length} dashboards, ${written.length} changed\n`);
    }
    return {};
  },
};
