using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// One recipient stanza of an age header: its type (the first argument: X25519, scrypt, …), the
    /// other arguments and the body. An X25519 stanza carries only an ephemeral share, never its
    /// recipient, so which key a file is for cannot be read from its header.
    /// </summary>
    public sealed class AgeStanza
    {
        private readonly byte[] body;

        internal AgeStanza(string type, IList<string> arguments, byte[] body)
        {
            Type = type;
            Arguments = arguments.ToArray();
            this.body = body;
        }

        /// <summary>The first argument: the recipient type.</summary>
        public string Type { get; }

        /// <summary>The arguments after the type.</summary>
        public IReadOnlyList<string> Arguments { get; }

        public int BodyLength => body.Length;

        /// <summary>A copy of the decoded body (a wrapped file key: no secret without the identity).</summary>
        public byte[] GetBody() => (byte[])body.Clone();

        internal byte[] Body => body;

        /// <summary>The stanza as the header carries it: the argument line, the body in base64 wrapped at 64 columns, ending with a short (possibly empty) line.</summary>
        internal void WriteTo(StringBuilder sb)
        {
            sb.Append("-> ").Append(Type);
            foreach (var a in Arguments) sb.Append(' ').Append(a);
            sb.Append('\n');
            var b64 = AgeBase64.Encode(body);
            var i = 0;
            for (; b64.Length - i >= AgeHeader.ColumnsPerLine; i += AgeHeader.ColumnsPerLine)
                sb.Append(b64, i, AgeHeader.ColumnsPerLine).Append('\n');
            sb.Append(b64, i, b64.Length - i).Append('\n');
        }

        public override string ToString() => "-> " + Type + (Arguments.Count > 0 ? " " + string.Join(" ", Arguments) : "");
    }
}
