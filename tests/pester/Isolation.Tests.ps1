# Living beside other modules: on PowerShell 7 the engine and its third-party dependencies
# (AWSSDK.*, Microsoft.Data.Sqlite, SQLitePCLRaw, BouncyCastle, ...) load in a module-private
# AssemblyLoadContext, so a session that also holds another AWSSDK.Core (AWS.Tools, say) keeps both
# working whichever loaded first. Each case runs in a fresh pwsh, against s3rver, with the other
# AWSSDK.Core versions restored from NuGet by tests/tools/tools.csproj (their one home): 3.7
# (assembly version 3.3.0.0, as AWS.Tools 4 carries) and 4.0 (assembly version 4.0.0.0 like the
# module's own 4.1, as AWS.Tools 5 carries: the default context would bind the module to it).
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../tools/Common.ps1')
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $all = foreach ($folder in @(Get-ToolPackageFolder $repo 'AWSSDK.Core')) {
        foreach ($order in 'OtherFirst', 'BqBackupFirst') {
            @{ Order = $order; OtherCore = Join-Path $folder 'lib/net8.0/AWSSDK.Core.dll'; OtherVersion = (Split-Path $folder -Leaf) }
        }
    }
    # Both orders, with 3.7 and with 4.0: the 4.0 one has the module's own assembly version (4.0.0.0),
    # the one the default context would bind the engine to if the engine lived there.
    $script:Cases = $all
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    . (Join-Path $RepoRoot 'tests/tools/Common.ps1')
    # The 3.7 one, for the cases that need one other version only.
    $script:Other37 = @(Get-ToolPackageFolder $RepoRoot 'AWSSDK.Core') | Where-Object { (Split-Path $_ -Leaf) -like '3.*' } |
        ForEach-Object { Join-Path $_ 'lib/net8.0/AWSSDK.Core.dll' }
    $script:BuiltModule = Join-Path $RepoRoot 'out/BqBackup'
    $script:server = Start-S3Server -Bucket 'bqtest' -Root $TestDrive

    # The fresh session: loads the other AWSSDK.Core before or after importing BqBackup, uses both,
    # and prints key=value lines of what it saw.
    $script:SessionScript = Join-Path $TestDrive 'session.ps1'
    Set-Content -LiteralPath $SessionScript -Value @'
param([string] $Module, [string] $OtherCore, [string] $Endpoint, [string] $Work, [string] $Order)
$ErrorActionPreference = 'Stop'
if (Get-Variable -Name PSStyle -ErrorAction Ignore) { $PSStyle.OutputRendering = 'PlainText' }
$alc = [System.Runtime.Loader.AssemblyLoadContext]
function Use-OtherSdk {
    try { Add-Type -Path $OtherCore }
    catch { "other-error=$($_.Exception.Message -replace '\s+', ' ')"; exit 3 }
    # A type literal: PowerShell resolves it in its default context, where only the other copy is.
    $credentials = [Amazon.Runtime.BasicAWSCredentials]::new('AKIDOTHER', 'other-secret')
    $assembly = $credentials.GetType().Assembly
    "other=$($assembly.GetName().Version) file=$((Get-Item $assembly.Location).VersionInfo.FileVersion) key=$($credentials.GetCredentials().AccessKey) context=$($alc::GetLoadContext($assembly).Name)"
}
function Use-BqBackup([string] $Prefix) {
    $s3 = @{ EndpointUrl = $Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
    $destination = "s3://bqtest/$(Split-Path $Work -Leaf)/$Prefix/"
    $backup = New-BqBackup -Path (Join-Path $Work 'queue.db') -Destination $destination @s3
    $listed = @(Get-BqBackup -Destination $destination @s3)
    "bqbackup-$Prefix=jobs:$($backup.Counts.Jobs) listed:$($listed.Count) same:$($listed[0].Name -eq $backup.Name)"
}
function Show-AwsSdks([string] $Context) {
    $versions = @($alc::All | Where-Object Name -eq $Context | ForEach-Object Assemblies |
        Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' } | ForEach-Object { Get-AssemblyText $_ })
    ($versions | Sort-Object) -join ','
}
function Get-AssemblyText($Assembly) { "$($Assembly.GetName().Version) ($((Get-Item $Assembly.Location).VersionInfo.FileVersion))" }

if ($Order -eq 'OtherFirst') { Use-OtherSdk }
New-Item -ItemType Directory -Force $Work | Out-Null
Import-Module $Module
[BqBackup.Sample.SampleDatabase]::Create((Join-Path $Work 'queue.db'), 40, 1, 200) | Out-Null
Use-BqBackup 'first'
if ($Order -eq 'BqBackupFirst') { Use-OtherSdk }
Use-BqBackup 'again'
$default = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $alc::GetLoadContext($_) -eq $alc::Default } |
    Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' } | ForEach-Object { Get-AssemblyText $_ })
"default-awssdk=$(($default | Sort-Object) -join ',')"
"module-awssdk=$(Show-AwsSdks 'BqBackup')"
"module-sqlite=$(@($alc::All | Where-Object Name -eq 'BqBackup' | ForEach-Object Assemblies | ForEach-Object { $_.GetName().Name } | Where-Object { $_ -like '*Sqlite*' }).Count)"
"core-context=$($alc::GetLoadContext([BqBackup.BackupInfo].Assembly).Name)"
"cmdlets-context=$($alc::GetLoadContext([BqBackup.Loading.DependencyLoader].Assembly).Name)"
"dependencies=$([BqBackup.Loading.DependencyLoader]::Mechanism) native=$([BqBackup.Native.SqliteNativeLoader]::Mechanism)"
"native-from=$([BqBackup.Native.SqliteNativeLoader]::LoadedFrom)"
Remove-Module BqBackup
"after-remove=$(-not [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')::Get.ContainsKey('BqBackup.BackupInfo'))"
'@

    # Runs the session script in a fresh pwsh; returns its exit code and output as one text.
    function Invoke-Session([string] $Module, [string] $Order, [string] $OtherCore = $Other37) {
        $work = Join-Path $TestDrive "work-$Order-$([guid]::NewGuid().ToString('N'))"
        $arguments = @('-NoProfile', '-NonInteractive', '-File', $SessionScript, '-Module', $Module, '-OtherCore', $OtherCore,
            '-Endpoint', $server.Endpoint, '-Work', $work, '-Order', $Order)
        $exe = [Environment]::ProcessPath
        $output = if ((Split-Path $exe -Leaf) -like 'dotnet*') { & $exe (Join-Path $PSHOME 'pwsh.dll') @arguments 2>&1 } else { & $exe @arguments 2>&1 }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = (@($output | ForEach-Object { "$_" }) -join "`n") }
    }

    $script:ModuleVersionOfSdk = [Reflection.AssemblyName]::GetAssemblyName((Join-Path $BuiltModule 'Dependencies/AWSSDK.Core.dll')).Version
    $script:ModuleFileVersionOfSdk = (Get-Item (Join-Path $BuiltModule 'Dependencies/AWSSDK.Core.dll')).VersionInfo.FileVersion
}

AfterAll { Stop-S3Server $server }

Describe 'Living beside another AWSSDK.Core (PowerShell 7: the module''s own load context)' {
    It 'has AWSSDK.Core 3.x and 4.0 to test with, besides the module''s 4.x' {
        $folders = @(Get-ToolPackageFolder $RepoRoot 'AWSSDK.Core')
        foreach ($folder in $folders) { Join-Path $folder 'lib/net8.0/AWSSDK.Core.dll' | Should -Exist }
        @($folders | ForEach-Object { ([version] (Split-Path $_ -Leaf)).Major } | Sort-Object) -join ',' | Should -Be '3,4'
        $ModuleVersionOfSdk | Should -Be ([version] '4.0.0.0')
    }

    It 'works, and so does AWSSDK.Core <OtherVersion>, when <Order> loads first' -ForEach $Cases {
        $result = Invoke-Session -Module (Join-Path $BuiltModule 'BqBackup.psd1') -Order $Order -OtherCore $OtherCore
        $text = $result.Text
        $result.ExitCode | Should -Be 0 -Because $text
        $assemblyVersion = [Reflection.AssemblyName]::GetAssemblyName($OtherCore).Version
        # The other copy, in the default context, usable through a type literal.
        $text | Should -Match "(?m)^other=$([regex]::Escape("$assemblyVersion")) file=$([regex]::Escape($OtherVersion)) key=AKIDOTHER context=Default$"
        # BqBackup against s3rver, before and after the other copy was there.
        $text | Should -Match '(?m)^bqbackup-first=jobs:40 listed:1 same:True$'
        $text | Should -Match '(?m)^bqbackup-again=jobs:40 listed:1 same:True$'
        # The default context holds the other copy only; the module's lives in its own context.
        $text | Should -Match "(?m)^default-awssdk=$([regex]::Escape("$assemblyVersion")) \($([regex]::Escape($OtherVersion))\)$"
        $text | Should -Match "(?m)^module-awssdk=$([regex]::Escape("$ModuleVersionOfSdk")) \($([regex]::Escape($ModuleFileVersionOfSdk))\)$"
        $text | Should -Match '(?m)^module-sqlite=[1-9]'
        # The engine lives in the private context too; its types are reachable by name all the same.
        $text | Should -Match '(?m)^core-context=BqBackup$'
        $text | Should -Match '(?m)^cmdlets-context=Default$'
        # Its type names go with it.
        $text | Should -Match '(?m)^after-remove=True$'
        $text | Should -Match '(?m)^dependencies=LoadContext native=LoadContext$'
        $text | Should -Match "(?m)^native-from=$([regex]::Escape((Join-Path $BuiltModule 'Dependencies')))"
    }
}

Describe 'Without the load context (the path Windows PowerShell 5.1 takes)' {
    BeforeAll {
        # The module without BqBackup.Loader.dll: what a runtime older than .NET 8 or .NET Framework
        # gets, an AssemblyResolve handler that loads the dependencies into the one default context.
        $script:Fallback = Join-Path $TestDrive 'fallback/BqBackup'
        New-Item -ItemType Directory -Force (Split-Path $Fallback) | Out-Null
        Copy-Item -LiteralPath $BuiltModule -Destination $Fallback -Recurse
        Remove-Item -LiteralPath (Join-Path $Fallback 'BqBackup.Loader.dll')
    }

    It 'still loads its dependencies from Dependencies/ and backs up, into the default context as before' {
        $result = Invoke-Session -Module (Join-Path $Fallback 'BqBackup.psd1') -Order 'BqBackupOnly'
        $text = $result.Text
        $result.ExitCode | Should -Be 0 -Because $text
        $text | Should -Match '(?m)^bqbackup-first=jobs:40 listed:1 same:True$'
        $text | Should -Match '(?m)^dependencies=AssemblyResolve native=DllImportResolver$'
        $text | Should -Match "(?m)^default-awssdk=$([regex]::Escape("$ModuleVersionOfSdk")) \($([regex]::Escape($ModuleFileVersionOfSdk))\)$"
        $text | Should -Match '(?m)^core-context=Default$'
        $text | Should -Match '(?m)^module-awssdk=$'
        $text | Should -Match "(?m)^native-from=$([regex]::Escape((Join-Path $Fallback 'Dependencies')))"
    }

    It 'is where the conflict shows: the other AWSSDK.Core then cannot load (what the load context removes)' {
        $result = Invoke-Session -Module (Join-Path $Fallback 'BqBackup.psd1') -Order 'BqBackupFirst'
        $result.ExitCode | Should -Be 3 -Because $result.Text
        $result.Text | Should -Match '(?m)^bqbackup-first=jobs:40 listed:1 same:True$'
        $result.Text | Should -Match "(?m)^other-error=.*AWSSDK\.Core, Version=3\.3\.0\.0.*Assembly with same name is already loaded"
        $result.Text | Should -Not -Match '(?m)^other='
    }
}
