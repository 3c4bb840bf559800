using System.Collections.Generic;
using System.Reflection;
using BqBackup.Codec.Age;
using Xunit.Sdk;

namespace BqBackup.Tests.Codec.Age
{
    /// <summary>Runs a theory once per ChaCha20-Poly1305 implementation the payload can use: the runtime's and BouncyCastle's.</summary>
    internal sealed class AgeBackendsAttribute : DataAttribute
    {
        public override IEnumerable<object[]> GetData(MethodInfo testMethod)
        {
            yield return new object[] { AgeCipherBackend.Platform };
            yield return new object[] { AgeCipherBackend.BouncyCastle };
        }
    }
}
