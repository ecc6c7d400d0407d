// Runs index.ts as an inline program through Pulumi's Automation API, one command a call:
//
//     node bin/automation.js up|preview|refresh|destroy [key=value ...]
//
// key=value pairs are set as stack config first (e.g. salesDestination=ops@example.net). The
// stack is PULUMI_STACK (default "dev") in PULUMI_WORK_DIR (default the current directory);
// the backend, the passphrase and JETEMAIL_API_KEY / JETEMAIL_API_URL come from the
// environment. The CLI's output streams to stderr; the last line on stdout is a JSON summary.
import { LocalWorkspace } from "@pulumi/pulumi/automation";

const program = async () => {
    // A fresh evaluation of index.ts each run (Node caches modules it has loaded).
    const file = require.resolve("./index");
    delete require.cache[file];
    return require(file);
};

async function main(command: string, settings: string[]): Promise<object> {
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: process.env.PULUMI_STACK ?? "dev", projectName: "jetemail-typescript", program },
        { workDir: process.env.PULUMI_WORK_DIR ?? process.cwd() },
    );
    for (const setting of settings) {
        const at = setting.indexOf("=");
        await stack.setConfig(setting.slice(0, at), { value: setting.slice(at + 1) });
    }
    const onOutput = (out: string) => process.stderr.write(out);
    switch (command) {
        case "up": {
            const r = await stack.up({ onOutput });
            const outputs = Object.fromEntries(
                Object.entries(r.outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]),
            );
            return { stdout: r.stdout, changes: r.summary.resourceChanges, outputs };
        }
        case "preview": {
            const r = await stack.preview({ onOutput, diff: true });
            return { stdout: r.stdout, changes: r.changeSummary };
        }
        case "refresh": {
            const r = await stack.refresh({ onOutput });
            return { stdout: r.stdout, changes: r.summary.resourceChanges };
        }
        case "destroy": {
            const r = await stack.destroy({ onOutput });
            return { stdout: r.stdout, changes: r.summary.resourceChanges };
        }
        default:
            throw new Error(`unknown command ${command}: up, preview, refresh or destroy`);
    }
}

main(process.argv[2], process.argv.slice(3)).then(
    (result) => console.log(JSON.stringify(result)),
    (err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    },
);
