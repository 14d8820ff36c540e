// The local B2 SDK (sdks/b2, linked as @pulumi/b2) registers as a parameterized package of the
// `terraform-provider` base provider, and its resources register through the package reference.
// Everything below is checked on the raw requests the mock resource monitor receives.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

import * as b2 from "@pulumi/b2";
import * as b2utilities from "@pulumi/b2/utilities";

const sdkDir = path.resolve(__dirname, "..", "sdks", "b2");
const expectedParameter = { remote: { url: "registry.opentofu.org/backblaze/b2", version: "0.12.1" } };

// What the mocks' newResource receives (deserialized inputs).
const mockResources: pulumi.runtime.MockResourceArgs[] = [];

pulumi.runtime.setMocks(
    {
        newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
            mockResources.push(args);
            const state: Record<string, any> = { ...args.inputs };
            if (args.type === "b2:index/bucket:Bucket") {
                Object.assign(state, { bucketId: `${args.inputs.bucketName}-id`, accountId: "acct-1", revision: 1, options: ["s3"] });
            }
            if (args.type === "b2:index/applicationKey:ApplicationKey") {
                Object.assign(state, { applicationKeyId: "K001", applicationKey: "key-material", options: ["s3"] });
            }
            return { id: args.id || `${args.name}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
            return args.inputs;
        },
    },
    "project",
    "stack",
    false,
);

// Wrap the mock monitor to capture the raw gRPC requests (package ref, options, secret outputs).
const registerRequests: any[] = [];
const readRequests: any[] = [];
const packageRequests: any[] = [];
const monitor = (pulumi.runtime as any).getMonitor();
for (const [method, sink] of [
    ["registerResource", registerRequests],
    ["readResource", readRequests],
    ["registerPackage", packageRequests],
] as const) {
    const original = monitor[method].bind(monitor);
    monitor[method] = (req: any, callback: any) => {
        sink.push(req);
        return original(req, callback);
    };
}

function resolved<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

function registerRequest(name: string): any {
    const found = registerRequests.filter((r) => r.getName() === name);
    assert.equal(found.length, 1, `exactly one RegisterResource request named ${name}`);
    return found[0];
}

function mockInputs(name: string): any {
    const found = mockResources.filter((r) => r.name === name);
    assert.equal(found.length, 1, `exactly one mock resource named ${name}`);
    return found[0]!.inputs;
}

test("@pulumi/b2 resolves to the local SDK source in sdks/b2, with no toolchain of its own", () => {
    assert.equal(fs.realpathSync(require.resolve("@pulumi/b2")), path.join(sdkDir, "index.ts"));
    assert.equal(fs.existsSync(path.join(sdkDir, "node_modules")), false);
    const pkg = JSON.parse(fs.readFileSync(path.join(sdkDir, "package.json"), "utf8"));
    assert.equal(pkg.name, "@pulumi/b2");
    assert.equal(pkg.version, "0.12.1");
    assert.equal(pkg.main, "index.ts");
    assert.equal(pkg.types, "index.ts");
    assert.ok(pkg.peerDependencies?.["@pulumi/pulumi"], "@pulumi/pulumi is a peer dependency");
    assert.equal(pkg.dependencies?.["@pulumi/pulumi"], undefined);
    assert.equal(pkg.devDependencies?.typescript, undefined);
    assert.equal(pkg.scripts?.postinstall, undefined);
    assert.equal(pkg.scripts?.install, undefined);
});

test("the package.json pulumi block is exactly what utilities.ts registers", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(sdkDir, "package.json"), "utf8"));
    assert.deepEqual(pkg.pulumi, {
        resource: true,
        name: "terraform-provider",
        version: "0.14.0",
        parameterization: {
            name: "b2",
            version: "0.12.1",
            value: Buffer.from(JSON.stringify(expectedParameter)).toString("base64"),
        },
    });
    assert.deepEqual(JSON.parse(Buffer.from(pkg.pulumi.parameterization.value, "base64").toString("utf8")), expectedParameter);

    // The source of utilities.ts carries the same literals...
    const source = fs.readFileSync(path.join(sdkDir, "utilities.ts"), "utf8");
    for (const literal of [
        `baseProviderName: "${pkg.pulumi.name}"`,
        `baseProviderVersion: "${pkg.pulumi.version}"`,
        `packageName: "${pkg.pulumi.parameterization.name}"`,
        `packageVersion: "${pkg.pulumi.parameterization.version}"`,
        `base64Parameter: "${pkg.pulumi.parameterization.value}"`,
    ]) {
        assert.ok(source.includes(literal), `utilities.ts contains ${literal}`);
    }

    // ...and at run time getPackage() sends exactly that RegisterPackage request.
    assert.equal(packageRequests.length, 0, "nothing registered before first use");
    const ref = await b2utilities.getPackage();
    assert.equal(ref, "mock-uuid");
    assert.equal(packageRequests.length, 1);
    const req = packageRequests[0];
    assert.equal(req.getName(), pkg.pulumi.name);
    assert.equal(req.getVersion(), pkg.pulumi.version);
    assert.equal(req.getDownloadUrl(), "");
    const params = req.getParameterization();
    assert.ok(params, "request is parameterized");
    assert.equal(params.getName(), "b2");
    assert.equal(params.getVersion(), "0.12.1");
    assert.equal(Buffer.from(params.getValue_asU8()).toString("base64"), pkg.pulumi.parameterization.value);
});

test("a Bucket registers as b2:index/bucket:Bucket through the package reference, inputs as given", async () => {
    const args: b2.BucketArgs = {
        bucketName: "homelab-restic",
        bucketType: "allPrivate",
        bucketInfo: { purpose: "restic" },
        corsRules: [{
            corsRuleName: "downloads",
            allowedOperations: ["b2_download_file_by_name"],
            allowedOrigins: ["https://example.test"],
            maxAgeSeconds: 3600,
            allowedHeaders: ["range"],
        }],
        defaultServerSideEncryption: { algorithm: "AES256", mode: "SSE-B2" },
        fileLockConfigurations: [{
            isFileLockEnabled: true,
            defaultRetention: { mode: "governance", period: { duration: 7, unit: "days" } },
        }],
        lifecycleRules: [{
            fileNamePrefix: "",
            daysFromHidingToDeleting: 30,
            daysFromStartingToCancelingUnfinishedLargeFiles: 1,
        }],
    };
    const bucket = new b2.Bucket("backups", args);
    const [urn, bucketId, revision] = await Promise.all([resolved(bucket.urn), resolved(bucket.bucketId), resolved(bucket.revision)]);

    assert.equal(urn, "urn:pulumi:stack::project::b2:index/bucket:Bucket::backups");
    const req = registerRequest("backups");
    assert.equal(req.getType(), "b2:index/bucket:Bucket");
    assert.equal(req.getCustom(), true);
    assert.equal(req.getPackageref(), "mock-uuid");
    assert.equal(req.getVersion(), "", "the package reference replaces the plugin version option");
    assert.deepEqual(req.getAdditionalsecretoutputsList(), []);
    assert.deepEqual(mockInputs("backups"), args);
    assert.equal(bucketId, "homelab-restic-id");
    assert.equal(revision, 1);
    assert.equal(b2.Bucket.isInstance(bucket), true);
    assert.equal(b2.ApplicationKey.isInstance(bucket), false);
});

test("an ApplicationKey registers as b2:index/applicationKey:ApplicationKey with applicationKey as a secret output", async () => {
    const bucket = new b2.Bucket("scoped", { bucketName: "scoped-bucket", bucketType: "allPrivate" });
    const key = new b2.ApplicationKey("restic", {
        keyName: "restic",
        capabilities: ["listBuckets", "listFiles", "readFiles", "writeFiles", "deleteFiles"],
        bucketIds: [bucket.bucketId],
        namePrefix: "host/",
    });
    const [applicationKeyId, bucketUrn] = await Promise.all([resolved(key.applicationKeyId), resolved(bucket.urn)]);

    const req = registerRequest("restic");
    assert.equal(req.getType(), "b2:index/applicationKey:ApplicationKey");
    assert.equal(req.getCustom(), true);
    assert.equal(req.getPackageref(), "mock-uuid");
    assert.deepEqual(req.getAdditionalsecretoutputsList(), ["applicationKey"]);
    assert.ok(req.getDependenciesList().includes(bucketUrn), "depends on the bucket whose id it uses");
    assert.deepEqual(mockInputs("restic"), {
        keyName: "restic",
        capabilities: ["listBuckets", "listFiles", "readFiles", "writeFiles", "deleteFiles"],
        bucketIds: ["scoped-bucket-id"],
        namePrefix: "host/",
    });
    assert.equal(applicationKeyId, "K001");
});

test("the Provider registers as pulumi:providers:b2 through the package reference, with credentials as secrets", async () => {
    const provider = new b2.Provider("b2-explicit", { applicationKeyId: "K001", applicationKey: "key-material", endpoint: "production" });
    const bucket = new b2.Bucket("with-provider", { bucketName: "p", bucketType: "allPrivate" }, { provider });
    const [providerUrn, providerId] = await Promise.all([resolved(provider.urn), resolved(provider.id), resolved(bucket.urn)]);

    const req = registerRequest("b2-explicit");
    assert.equal(req.getType(), "pulumi:providers:b2");
    assert.equal(req.getPackageref(), "mock-uuid");
    assert.deepEqual([...req.getAdditionalsecretoutputsList()].sort(), ["applicationKey", "applicationKeyId"]);
    const inputs = mockInputs("b2-explicit");
    for (const [key, value] of [["applicationKey", "key-material"], ["applicationKeyId", "K001"]] as const) {
        assert.equal(inputs[key][pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig, `${key} is sent as a secret`);
        assert.equal(inputs[key].value, value);
    }
    assert.equal(inputs.endpoint, "production");
    assert.equal(b2.Provider.isInstance(provider), true);
    assert.equal(registerRequest("with-provider").getProvider(), `${providerUrn}::${providerId}`);
    // Provider methods (terraformConfig) go through monitor.call, which the mock monitor
    // does not implement, so the method is only checked for presence here.
    assert.equal(typeof provider.terraformConfig, "function");
});

test("Bucket.get reads through the package reference", async () => {
    const existing = b2.Bucket.get("existing", "bucket-123");
    assert.equal(await resolved(existing.id), "bucket-123");
    const req = readRequests.find((r) => r.getName() === "existing");
    assert.ok(req, "a ReadResource request was sent");
    assert.equal(req.getType(), "b2:index/bucket:Bucket");
    assert.equal(req.getId(), "bucket-123");
    assert.equal(req.getPackageref(), "mock-uuid");
});

test("resource references rehydrate through the registered resource module and package", async () => {
    const bucketModule = pulumi.runtime.getResourceModule("b2", "index/bucket", "0.12.1");
    assert.ok(bucketModule, "index/bucket is registered for package b2");
    const urn = "urn:pulumi:stack::project::b2:index/bucket:Bucket::backups";
    const rehydrated = bucketModule.construct("backups", "b2:index/bucket:Bucket", urn);
    assert.equal(b2.Bucket.isInstance(rehydrated), true);
    assert.equal(await resolved((rehydrated as b2.Bucket).bucketName), "homelab-restic");

    const keyModule = pulumi.runtime.getResourceModule("b2", "index/applicationKey", "0.12.1");
    assert.ok(keyModule, "index/applicationKey is registered for package b2");
    assert.throws(() => keyModule.construct("x", "b2:index/nope:Nope", "urn:x"), /unknown resource type/);

    const providerPackage = pulumi.runtime.getResourcePackage("b2", "0.12.1");
    assert.ok(providerPackage?.constructProvider, "package b2 can rehydrate its provider");
    const providerUrn = "urn:pulumi:stack::project::pulumi:providers:b2::b2-explicit";
    assert.equal(b2.Provider.isInstance(providerPackage.constructProvider("b2-explicit", "pulumi:providers:b2", providerUrn)), true);
});

test("required properties are enforced as the generator does", () => {
    assert.throws(() => new b2.Bucket("no-name", { bucketType: "allPrivate" } as any), /Missing required property 'bucketName'/);
    assert.throws(() => new b2.Bucket("no-type", { bucketName: "x" } as any), /Missing required property 'bucketType'/);
    assert.throws(() => new b2.ApplicationKey("no-caps", { keyName: "k" } as any), /Missing required property 'capabilities'/);
    assert.throws(() => new b2.ApplicationKey("no-name", { capabilities: [] } as any), /Missing required property 'keyName'/);
});

test("config reads the b2 namespace", () => {
    pulumi.runtime.setConfig("b2:endpoint", "https://api.example.test");
    assert.equal(b2.config.endpoint, "https://api.example.test");
    assert.equal(b2.config.applicationKeyId, undefined);
});

test("the package was registered once for the whole deployment", () => {
    assert.equal(packageRequests.length, 1);
    assert.ok(registerRequests.length >= 5);
    for (const req of registerRequests) {
        assert.equal(req.getPackageref(), "mock-uuid", `${req.getName()} carries the package reference`);
    }
});
