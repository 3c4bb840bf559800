using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// The textual header of an age v1 file (C2SP age: version line, recipient stanzas, MAC), parsed
    /// strictly and without any key: what a listing can show of an encrypted backup. It tells the
    /// stanza types and their count; it cannot tell the X25519 recipients (a stanza carries only an
    /// ephemeral share), so whoever needs them records them beside the file.
    /// </summary>
    public sealed class AgeHeader
    {
        /// <summary>The first line of every age v1 file.</summary>
        public const string VersionLine = "age-encryption.org/v1";

        /// <summary>What every age file, of any version, starts with: enough to recognise one from its first bytes.</summary>
        public const string Magic = "age-encryption.org/";

        internal const int ColumnsPerLine = 64;
        internal const string MacPrefix = "---";
        private const string ArmorBegin = "-----BEGIN AGE ENCRYPTED FILE-----";
        // Bounds on what a hostile file can make the parser read before it refuses.
        internal const int MaxLineLength = 1 << 16;
        internal const int MaxHeaderLength = 1 << 20;

        private readonly byte[] macedBytes;
        private readonly byte[] mac;

        private AgeHeader(IReadOnlyList<AgeStanza> stanzas, byte[] macedBytes, byte[] mac)
        {
            Stanzas = stanzas;
            this.macedBytes = macedBytes;
            this.mac = mac;
        }

        public IReadOnlyList<AgeStanza> Stanzas { get; }

        /// <summary>The stanza types in order, e.g. X25519, X25519.</summary>
        public IReadOnlyList<string> StanzaTypes => Stanzas.Select(s => s.Type).ToArray();

        /// <summary>True for a passphrase-encrypted file (one scrypt stanza).</summary>
        public bool IsPassphraseEncrypted => Stanzas.Count == 1 && Stanzas[0].Type == AgeScryptRecipient.StanzaTypeName;

        /// <summary>The scrypt work factor (log2 N) of a passphrase-encrypted file whose stanza states a well-formed one; else null.</summary>
        public int? ScryptWorkFactor
        {
            get
            {
                if (!IsPassphraseEncrypted || Stanzas[0].Arguments.Count != 2) return null;
                return AgeScryptIdentity.TryParseWorkFactor(Stanzas[0].Arguments[1], out var logN) ? logN : (int?)null;
            }
        }

        /// <summary>How many stanzas are of <paramref name="type"/> (case-sensitive, as age matches them).</summary>
        public int CountOf(string type) => Stanzas.Count(s => s.Type == type);

        /// <summary>A summary for messages and listings, e.g. "2 X25519 stanzas".</summary>
        public string Describe() => string.Join(", ", Stanzas.GroupBy(s => s.Type)
            .Select(g => $"{g.Count()} {g.Key} {(g.Count() == 1 ? "stanza" : "stanzas")}"));

        internal byte[] MacedBytes => macedBytes;
        internal byte[] Mac => mac;

        /// <summary>True when <paramref name="prefix"/> (the first bytes of a file) starts as an age file does.</summary>
        public static bool StartsLikeAge(byte[] prefix, int count)
        {
            var n = Math.Min(count, Magic.Length);
            for (var i = 0; i < n; i++)
                if (prefix[i] != Magic[i]) return false;
            return n == Magic.Length;
        }

        /// <summary>
        /// Reads the header from <paramref name="input"/>, consuming exactly its bytes (the stream is
        /// left at the payload's nonce), and refuses anything the spec does not allow: another
        /// version, armor, a malformed stanza, non-canonical base64, a missing or malformed MAC line.
        /// Needs no identity; does not check the MAC (that needs the file key).
        /// </summary>
        /// <param name="name">How the file is named in error messages (a backup name), or null.</param>
        public static AgeHeader Read(Stream input, string name = null)
        {
            if (input == null) throw new ArgumentNullException(nameof(input));
            var reader = new LineReader(input);
            var first = reader.ReadLine(out var firstEnded);
            // Armor may be preceded by blank lines: look past a few of them to say "armored" rather than "not age".
            for (var blank = 0; first != null && firstEnded && first.Trim(' ', '\t', '\r').Length == 0 && blank < 16; blank++)
            {
                first = reader.ReadLine(out firstEnded);
                if (first != null && !LooksArmored(first) && first.Trim(' ', '\t', '\r').Length > 0)
                    throw AgeErrors.HeaderInvalid("it is not an age v1 file (the first line is not 'age-encryption.org/v1')", name);
            }
            if (first == null || !firstEnded)
            {
                if (first != null && LooksArmored(first)) throw AgeErrors.ArmorNotSupported(name);
                throw AgeErrors.HeaderInvalid(first == null || first.Length == 0 ? "the file is empty" : "it is not an age file (no version line)", name);
            }
            if (first != VersionLine)
            {
                if (LooksArmored(first)) throw AgeErrors.ArmorNotSupported(name);
                if (first.StartsWith(Magic, StringComparison.Ordinal) && first.IndexOf('\r') < 0)
                    throw AgeErrors.HeaderInvalid("an unsupported age version (only v1 is read)", name);
                throw AgeErrors.HeaderInvalid("it is not an age v1 file (the first line is not 'age-encryption.org/v1')", name);
            }

            var stanzas = new List<AgeStanza>();
            string line = reader.ReadLine(out var ended);
            while (true)
            {
                if (line == null || !ended) throw AgeErrors.HeaderInvalid("it ends before the MAC line", name);
                if (line.StartsWith("-> ", StringComparison.Ordinal) || line == "->")
                {
                    stanzas.Add(ReadStanza(line, reader, name));
                    line = reader.ReadLine(out ended);
                    continue;
                }
                if (line.StartsWith(MacPrefix, StringComparison.Ordinal))
                {
                    if (stanzas.Count == 0) throw AgeErrors.HeaderInvalid("it has no recipient stanza", name);
                    if (line.Length != MacPrefix.Length + 1 + 43 || line[MacPrefix.Length] != ' ')
                        throw AgeErrors.HeaderInvalid("a malformed MAC line", name);
                    var mac = AgeBase64.TryDecode(line.Substring(MacPrefix.Length + 1), 32);
                    if (mac == null) throw AgeErrors.HeaderInvalid("the MAC is not canonical base64 of 32 bytes", name);
                    // The MAC covers the header up to and including "---", without the space after it.
                    var maced = reader.Consumed(reader.TotalRead - (line.Length + 1) + MacPrefix.Length);
                    return new AgeHeader(stanzas, maced, mac);
                }
                throw AgeErrors.HeaderInvalid("a line that is neither a stanza nor the MAC", name);
            }
        }

        private static bool LooksArmored(string line) => line.TrimStart(' ', '\t', '\r', '\n').StartsWith(ArmorBegin, StringComparison.Ordinal);

        private static AgeStanza ReadStanza(string argLine, LineReader reader, string name)
        {
            if (argLine.Length <= 3) throw AgeErrors.HeaderInvalid("a stanza without arguments", name);
            var args = argLine.Substring(3).Split(' ');
            if (args.Length == 0) throw AgeErrors.HeaderInvalid("a stanza without arguments", name);
            foreach (var a in args)
            {
                if (a.Length == 0) throw AgeErrors.HeaderInvalid("a stanza with an empty argument", name);
                foreach (var c in a)
                    if (c < 0x21 || c > 0x7e) throw AgeErrors.HeaderInvalid("a stanza argument with a character outside printable ASCII", name);
            }
            var body = new StringBuilder();
            while (true)
            {
                var line = reader.ReadLine(out var ended);
                if (line == null || !ended) throw AgeErrors.HeaderInvalid("a stanza whose body does not end with a short line", name);
                if (line.Length > ColumnsPerLine) throw AgeErrors.HeaderInvalid("a stanza body line longer than 64 columns", name);
                foreach (var c in line)
                    if (!AgeBase64.IsBase64Char(c)) throw AgeErrors.HeaderInvalid("a stanza body with a character outside base64", name);
                body.Append(line);
                if (line.Length < ColumnsPerLine) break;
            }
            var bytes = AgeBase64.TryDecode(body.ToString());
            if (bytes == null) throw AgeErrors.HeaderInvalid("a stanza body that is not canonical base64", name);
            return new AgeStanza(args[0], args.Skip(1).ToList(), bytes);
        }

        /// <summary>Writes a header for <paramref name="stanzas"/>, MACed with the file key; returns its bytes.</summary>
        internal static byte[] Write(IReadOnlyList<AgeStanza> stanzas, byte[] fileKey)
        {
            var sb = new StringBuilder();
            sb.Append(VersionLine).Append('\n');
            foreach (var s in stanzas) s.WriteTo(sb);
            sb.Append(MacPrefix);
            var maced = Encoding.ASCII.GetBytes(sb.ToString());
            var mac = ComputeMac(fileKey, maced);
            sb.Append(' ').Append(AgeBase64.Encode(mac)).Append('\n');
            return Encoding.ASCII.GetBytes(sb.ToString());
        }

        internal static byte[] ComputeMac(byte[] fileKey, byte[] maced)
        {
            var hmacKey = AgePrimitives.Hkdf(fileKey, new byte[0], "header");
            try { return AgePrimitives.HmacSha256(hmacKey, maced, 0, maced.Length); }
            finally { AgePrimitives.Zero(hmacKey); }
        }

        internal bool MacMatches(byte[] fileKey) => AgePrimitives.FixedTimeEquals(ComputeMac(fileKey, macedBytes), mac);

        public override string ToString() => $"age v1 header: {Describe()}";

        /// <summary>
        /// Reads LF-terminated ASCII lines one byte at a time, so nothing past the header is taken
        /// from the stream, and keeps the bytes it read for the MAC.
        /// </summary>
        private sealed class LineReader
        {
            private readonly Stream input;
            private readonly MemoryStream seen = new MemoryStream();
            private readonly byte[] one = new byte[1];

            public LineReader(Stream input) { this.input = input; }

            public long TotalRead => seen.Length;

            public byte[] Consumed(long count)
            {
                var all = seen.GetBuffer();
                var r = new byte[count];
                Buffer.BlockCopy(all, 0, r, 0, (int)count);
                return r;
            }

            /// <summary>The next line without its LF; null at end of stream before any byte. <paramref name="ended"/> is false when the stream ended before an LF.</summary>
            public string ReadLine(out bool ended)
            {
                var sb = new StringBuilder();
                ended = false;
                while (true)
                {
                    if (seen.Length >= MaxHeaderLength) throw AgeErrors.HeaderInvalid("a header longer than 1 MiB", null);
                    if (sb.Length > MaxLineLength) throw AgeErrors.HeaderInvalid("a header line longer than 64 KiB", null);
                    var n = input.Read(one, 0, 1);
                    if (n == 0) return sb.Length == 0 ? null : sb.ToString();
                    seen.WriteByte(one[0]);
                    if (one[0] == (byte)'\n') { ended = true; return sb.ToString(); }
                    // Bytes outside ASCII become a character every later check refuses.
                    sb.Append(one[0] < 0x80 ? (char)one[0] : '\uFFFD');
                }
            }
        }
    }
}
