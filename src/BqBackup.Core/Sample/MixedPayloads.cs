using System;
using System.Text;

namespace BqBackup.Sample
{
    /// <summary>
    /// The payloads of <see cref="SampleDatabase.CreateMixedOfSize"/>: words drawn from a
    /// vocabulary by a Zipf law (as natural text), JSON-like structures with repeated keys, numbers,
    /// timestamps, URLs and ids, and a share of random tokens and signatures that do not compress.
    /// </summary>
    internal sealed class MixedPayloads
    {
        private static readonly string[] Syllables = { "ka", "lo", "mi", "ner", "ta", "sun", "ber", "go", "re", "di", "an", "vel", "op", "ti", "ma", "qu", "es", "ul", "ron", "pi", "sa", "de", "co", "lin" };
        private static readonly string[] Templates = { "welcome", "password-reset", "invoice", "shipping-update", "weekly-digest", "trial-ending" };
        private static readonly string[] Events = { "order.created", "order.paid", "order.shipped", "customer.updated", "invoice.finalized", "subscription.renewed" };
        private static readonly string[] Hosts = { "hooks.example.test", "api.partner.example", "crm.internal.example", "billing.example.test" };
        private const string Base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

        private readonly string[] vocabulary;
        private readonly double[] cumulative;

        public MixedPayloads(int seed)
        {
            var random = new Random(seed * 7919);
            vocabulary = new string[4000];
            cumulative = new double[vocabulary.Length];
            double total = 0;
            for (var i = 0; i < vocabulary.Length; i++)
            {
                var b = new StringBuilder();
                var n = 1 + random.Next(4);
                for (var k = 0; k < n; k++) b.Append(Syllables[random.Next(Syllables.Length)]);
                vocabulary[i] = b.ToString();
                total += 1.0 / Math.Pow(i + 1, 1.05);
                cumulative[i] = total;
            }
            for (var i = 0; i < cumulative.Length; i++) cumulative[i] /= total;
        }

        private string Word(Random random)
        {
            var i = Array.BinarySearch(cumulative, random.NextDouble());
            return vocabulary[i < 0 ? Math.Min(~i, vocabulary.Length - 1) : i];
        }

        private string Sentence(Random random, int length)
        {
            var b = new StringBuilder(length + 16);
            while (b.Length < length)
            {
                if (b.Length > 0) b.Append(random.Next(12) == 0 ? ". " : " ");
                b.Append(Word(random));
            }
            return b.ToString();
        }

        private static string Token(Random random, int length)
        {
            var chars = new char[length];
            for (var i = 0; i < length; i++) chars[i] = Base64[random.Next(Base64.Length)];
            return new string(chars);
        }

        private static string Uuid(Random random) =>
            $"{random.Next():x8}-{random.Next(65536):x4}-4{random.Next(4096):x3}-{random.Next(65536):x4}-{random.Next():x8}{random.Next(65536):x4}";

        public byte[] Payload(Random random, int i, int maxBytes)
        {
            var kind = random.Next(100);
            var size = random.Next(100, maxBytes);
            if (kind < 45)
                return MessagePack.Map(
                    ("to", $"{Word(random)}.{Word(random)}{random.Next(1000)}@{Word(random)}.example"),
                    ("template", Templates[random.Next(Templates.Length)]),
                    ("locale", random.Next(4) == 0 ? "de-DE" : "en-US"),
                    ("subject", Sentence(random, 20 + random.Next(40))),
                    ("vars", $"{{\"name\":\"{Word(random)} {Word(random)}\",\"orderId\":\"ORD-{random.Next(10000000):D7}\",\"amount\":{random.Next(100000) / 100.0:F2},\"currency\":\"EUR\"}}"),
                    ("n", i),
                    ("body", Sentence(random, size)));
            if (kind < 70)
            {
                var items = new StringBuilder("[");
                var count = 1 + size / 180;
                for (var k = 0; k < count; k++)
                    items.Append(k == 0 ? "" : ",").Append($"{{\"sku\":\"SKU-{random.Next(5000):D5}\",\"title\":\"{Sentence(random, 12 + random.Next(30))}\",\"qty\":{1 + random.Next(5)},\"price\":{random.Next(50000) / 100.0:F2}}}");
                items.Append(']');
                return MessagePack.Map(
                    ("url", $"https://{Hosts[random.Next(Hosts.Length)]}/v1/{Word(random)}/{random.Next(100000)}"),
                    ("event", Events[random.Next(Events.Length)]),
                    ("id", Uuid(random)),
                    ("createdAt", 1767225600000L + i * 7000L + random.Next(1000)),
                    ("signature", "sha256=" + Token(random, 44)),
                    ("items", items.ToString()));
            }
            if (kind < 76)
            {
                var rows = new StringBuilder("date,region,orders,revenue,refunds\n");
                while (rows.Length < size)
                    rows.Append($"2026-{1 + random.Next(12):D2}-{1 + random.Next(28):D2},{Word(random)},{random.Next(5000)},{random.Next(10000000) / 100.0:F2},{random.Next(40)}\n");
                return MessagePack.Map(("report", Templates[random.Next(Templates.Length)]), ("n", i), ("csv", rows.ToString()));
            }
            // Tokens, encrypted fields and attachments: what no compressor shrinks beyond base64's 6 bits a byte.
            return MessagePack.Map(
                ("kind", "attachment"),
                ("filename", $"{Word(random)}-{random.Next(100000)}.pdf"),
                ("token", Token(random, 32)),
                ("content", Token(random, size * 3 / 4)),
                ("note", Sentence(random, size / 4)));
        }

        public byte[] Result(Random random, int i) =>
            MessagePack.Map(
                ("ok", 1),
                ("messageId", $"<{Uuid(random)}@mail.example>"),
                ("durationMs", random.Next(3000)),
                ("response", $"{{\"status\":{(random.Next(20) == 0 ? 202 : 200)},\"accepted\":[\"{Word(random)}\"],\"queue\":\"{Word(random)}\"}}"));
    }
}
