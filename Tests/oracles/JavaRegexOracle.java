// The real java.util.regex, as Timestream's regexp_like uses it: for each stdin line
// {"pattern": P, "subject": S} (JSON, \\uXXXX escapes allowed) prints 1 if Pattern.compile(P).matcher(S).find(),
// 0 if not, E:<message> if P does not compile. Run as a single-file program: java JavaRegexOracle.java
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.regex.*;

public class JavaRegexOracle {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) continue;
            String[] parts = parsePair(line);
            try {
                out.println(Pattern.compile(parts[0]).matcher(parts[1]).find() ? "1" : "0");
            } catch (PatternSyntaxException e) {
                out.println("E:" + e.getDescription());
            }
        }
    }

    /** Minimal parser for {"pattern": "...", "subject": "..."} as written by json.dumps. */
    static String[] parsePair(String json) {
        String[] result = new String[2];
        int i = 0;
        for (int k = 0; k < 2; k++) {
            i = json.indexOf(':', json.indexOf('"', i) + 1);
            i = json.indexOf('"', i) + 1;
            StringBuilder sb = new StringBuilder();
            while (json.charAt(i) != '"') {
                char c = json.charAt(i++);
                if (c != '\\') { sb.append(c); continue; }
                char e = json.charAt(i++);
                switch (e) {
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u': sb.append((char) Integer.parseInt(json.substring(i, i + 4), 16)); i += 4; break;
                    default: sb.append(e);
                }
            }
            result[k] = sb.toString();
            i++;
        }
        return result;
    }
}
