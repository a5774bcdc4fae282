/* SWIG interface: the JNI glue and the low-level classes dev.tether.jni.TetherNative
 * (static methods, one per tether.h function) and the options/event/stats struct
 * proxies, generated from tether.h at build time.
 *
 * Conventions of the low-level layer (the idiomatic classes in dev.tether hide them):
 * - handles and borrowed byte pointers cross as Java long (a native address), so a call
 *   allocates nothing; the Java layer only passes addresses of direct ByteBuffers it
 *   bounds-checked, or of handles it owns;
 * - out parameters are Java arrays the caller passes (long[] for sizes, handles and
 *   (pointer, length) spans, int[] for enums, String[] for static texts);
 * - enums are plain int constants.
 * No Java object is ever stored in C: nothing here keeps a reference past the call. */
%module TetherNative

%{
#include <string.h>
#include <tether.h>
%}

/* Any use of the low-level classes loads the native libraries from the jar first. */
%pragma(java) jniclasscode=%{
  static {
    dev.tether.NativeLibrary.load();
  }
%}

%include <stdint.i>
%include <enumsimple.swg>
%include <various.i>

/* uint64_t as Java long (the bits; the Java layer reads it as unsigned where it can
 * exceed 2^63), instead of SWIG's BigInteger. */
%apply long long { uint64_t };
%ignore tether_status_info;

/* No finalizers on the struct proxies: the Java layer frees them explicitly. Their
 * (address, owner) constructors are public so that it can view structs the library
 * owns (the headers of an invocation's input). */
%typemap(javafinalize) SWIGTYPE ""
SWIG_JAVABODY_PROXY(public, public, SWIGTYPE)

/* ---- Addresses: handles and borrowed bytes as long ----------------------------- */
%define TETHER_ADDRESS(TYPE)
%typemap(jni) TYPE "jlong"
%typemap(jtype) TYPE "long"
%typemap(jstype) TYPE "long"
%typemap(in) TYPE %{ $1 = ($1_ltype)(intptr_t)$input; %}
%typemap(out) TYPE %{ $result = (jlong)(intptr_t)$1; %}
%typemap(javain) TYPE "$javainput"
%typemap(javaout) TYPE { return $jnicall; }
%typemap(memberin) TYPE %{ $1 = $input; %}
%typemap(freearg) TYPE ""
%enddef

TETHER_ADDRESS(const uint8_t *)
TETHER_ADDRESS(tether_decoder *)
TETHER_ADDRESS(const tether_decoder *)
TETHER_ADDRESS(tether_session *)
TETHER_ADDRESS(const tether_session *)
TETHER_ADDRESS(tether_prober *)
TETHER_ADDRESS(const tether_prober *)
TETHER_ADDRESS(tether_invocation *)
TETHER_ADDRESS(const tether_invocation *)
TETHER_ADDRESS(tether_middleware *)
TETHER_ADDRESS(const tether_middleware *)
/* Strings of tether_invocation_input that are (pointer, length), not NUL-terminated. */
TETHER_ADDRESS(const char *debug_id)
TETHER_ADDRESS(const char *key)
TETHER_ADDRESS(const char *value)
TETHER_ADDRESS(const tether_invocation_header *headers)
/* What the library hands out is read, never written. */
%immutable tether_invocation_input::id;
%immutable tether_invocation_input::debug_id;
%immutable tether_invocation_input::key;
%immutable tether_invocation_input::value;
%immutable tether_invocation_input::headers;
%immutable tether_invocation_header::key;
%immutable tether_invocation_header::value;

/* ---- Out parameters as arrays ----------------------------------------------- */
%define TETHER_OUT(JNI_ARRAY, JAVA_ARRAY, SET_REGION, JNI_ELEMENT, CTYPE, PARAM)
%typemap(jni) PARAM #JNI_ARRAY
%typemap(jtype) PARAM #JAVA_ARRAY
%typemap(jstype) PARAM #JAVA_ARRAY
%typemap(javain) PARAM "$javainput"
%typemap(in) PARAM (CTYPE temp) %{
  if (!$input || (*jenv)->GetArrayLength(jenv, $input) < 1) {
    SWIG_JavaThrowException(jenv, SWIG_JavaIllegalArgumentException, "out array of length >= 1 required");
    return $null;
  }
  temp = 0;
  $1 = &temp;
%}
%typemap(argout) PARAM %{
  {
    JNI_ELEMENT v = (JNI_ELEMENT)temp$argnum;
    (*jenv)->SET_REGION(jenv, $input, 0, 1, &v);
  }
%}
%enddef

%define TETHER_OUT_LONG(CTYPE, PARAM)
TETHER_OUT(jlongArray, long[], SetLongArrayRegion, jlong, CTYPE, PARAM)
%enddef
TETHER_OUT_LONG(size_t, size_t *consumed)
TETHER_OUT_LONG(size_t, size_t *written)
TETHER_OUT_LONG(uint32_t, uint32_t *version)
TETHER_OUT_LONG(uint32_t, uint32_t *accepted)
TETHER_OUT_LONG(uint64_t, uint64_t *next_deadline_ns)
TETHER_OUT_LONG(tether_decoder *, tether_decoder **out)
TETHER_OUT_LONG(tether_session *, tether_session **out)
TETHER_OUT_LONG(tether_prober *, tether_prober **out)
TETHER_OUT_LONG(tether_invocation *, tether_invocation **out)
TETHER_OUT_LONG(tether_middleware *, tether_middleware **out)
TETHER_OUT(jintArray, int[], SetIntArrayRegion, jint, tether_deployment_state, tether_deployment_state *state)

/* A (pointer, length) span owned by the handle: long[2] {address, length}. */
%define TETHER_SPAN(PTRTYPE, PTRNAME, LENNAME)
%typemap(jni) (PTRTYPE PTRNAME, size_t *LENNAME) "jlongArray"
%typemap(jtype) (PTRTYPE PTRNAME, size_t *LENNAME) "long[]"
%typemap(jstype) (PTRTYPE PTRNAME, size_t *LENNAME) "long[]"
%typemap(javain) (PTRTYPE PTRNAME, size_t *LENNAME) "$javainput"
%typemap(in) (PTRTYPE PTRNAME, size_t *LENNAME) ($*1_ltype ptr, size_t len) %{
  if (!$input || (*jenv)->GetArrayLength(jenv, $input) < 2) {
    SWIG_JavaThrowException(jenv, SWIG_JavaIllegalArgumentException, "span array of length >= 2 required");
    return $null;
  }
  ptr = 0;
  len = 0;
  $1 = &ptr;
  $2 = &len;
%}
%typemap(argout) (PTRTYPE PTRNAME, size_t *LENNAME) %{
  {
    jlong span[2] = {(jlong)(intptr_t)ptr$argnum, (jlong)len$argnum};
    (*jenv)->SetLongArrayRegion(jenv, $input, 0, 2, span);
  }
%}
%enddef

TETHER_SPAN(const uint8_t **, data, length)
TETHER_SPAN(const tether_ping **, pings, count)
TETHER_SPAN(const char **, text, length)

/* A static text out parameter (may stay NULL): String[1]. */
%typemap(jni) const char **problem "jobjectArray"
%typemap(jtype) const char **problem "String[]"
%typemap(jstype) const char **problem "String[]"
%typemap(javain) const char **problem "$javainput"
%typemap(in) const char **problem (const char *temp) %{
  if (!$input || (*jenv)->GetArrayLength(jenv, $input) < 1) {
    SWIG_JavaThrowException(jenv, SWIG_JavaIllegalArgumentException, "out array of length >= 1 required");
    return $null;
  }
  temp = NULL;
  $1 = ($1_ltype)&temp;
%}
%typemap(argout) const char **problem %{
  (*jenv)->SetObjectArrayElement(jenv, $input, 0, temp$argnum ? (*jenv)->NewStringUTF(jenv, temp$argnum) : NULL);
%}

/* Text inputs with a length (content types, header values, failure messages): byte[]. */
%apply (char *STRING, size_t LENGTH) { (const char *content_type, size_t length) };
%apply (char *STRING, size_t LENGTH) { (const char *value, size_t length) };
%apply (char *STRING, size_t LENGTH) { (const char *message, size_t length) };

/* The 8-byte header out array: byte[] of at least 8. */
%typemap(jni) uint8_t out[ANY] "jbyteArray"
%typemap(jtype) uint8_t out[ANY] "byte[]"
%typemap(jstype) uint8_t out[ANY] "byte[]"
%typemap(javain) uint8_t out[ANY] "$javainput"
%typemap(in) uint8_t out[ANY] (uint8_t temp[TETHER_FRAME_HEADER_SIZE]) %{
  if (!$input || (*jenv)->GetArrayLength(jenv, $input) < TETHER_FRAME_HEADER_SIZE) {
    SWIG_JavaThrowException(jenv, SWIG_JavaIllegalArgumentException, "byte[8] required");
    return $null;
  }
  $1 = temp;
%}
%typemap(argout) uint8_t out[ANY] %{
  (*jenv)->SetByteArrayRegion(jenv, $input, 0, TETHER_FRAME_HEADER_SIZE, (const jbyte *)temp$argnum);
%}

/* ---- Left out ----------------------------------------------------------------- */
/* Allocator hooks and the prober's state callback would have C call into Java (and
 * hold a Java object); the h2 endpoint takes C handler functions. The Java side has
 * its own HTTP/2 servers (Vert.x). */
/* The generated exception classes carry the status table (gen_exceptions.c). */
%ignore tether_status_table;
%ignore allocator;
%ignore tether_allocator;
%ignore on_state_change;
%ignore user_data;
%ignore tether_prober_state_change;
%ignore tether_prober_state_fn;
%rename("$ignore", regextarget=1) "^tether_endpoint_";
%rename("$ignore", regextarget=1) "^tether_reply_";
/* The batcher and its sinks take C sink/failure callbacks with user data: left out too. */
%rename("$ignore", regextarget=1) "^tether_(batcher|sink|sqlite|spill|record|overflow)";
%ignore tether_endpoint_options;
%ignore tether_endpoint_stats;
%ignore tether_handler_fn;

/* ---- Helpers SWIG cannot express: native memory <-> Java memory ---------------- */
%native(address) jlong address(jobject buffer);
%native(copyToArray) void copyToArray(jlong source, jbyteArray target, jint offset, jint length);
%native(copyToAddress) void copyToAddress(jlong source, jlong target, jlong length);
%native(pingAt) jlong pingAt(jlong pings, jlong index, jlongArray span);
%native(headerAt) jlong headerAt(jlong headers, jlong index);
%{
#ifdef __cplusplus
extern "C" {
#endif
/* The address of a direct ByteBuffer (0 for any other buffer). */
SWIGEXPORT jlong JNICALL Java_dev_tether_jni_TetherNativeJNI_address(JNIEnv *jenv, jclass jcls,
                                                                    jobject buffer) {
  (void)jcls;
  return buffer ? (jlong)(intptr_t)(*jenv)->GetDirectBufferAddress(jenv, buffer) : 0;
}
/* Copies native bytes the library handed out into a Java array (bounds checked by JNI). */
SWIGEXPORT void JNICALL Java_dev_tether_jni_TetherNativeJNI_copyToArray(JNIEnv *jenv, jclass jcls,
                                                                       jlong source,
                                                                       jbyteArray target,
                                                                       jint offset, jint length) {
  (void)jcls;
  (*jenv)->SetByteArrayRegion(jenv, target, offset, length,
                              (const jbyte *)(intptr_t)source);
}
SWIGEXPORT void JNICALL Java_dev_tether_jni_TetherNativeJNI_copyToAddress(JNIEnv *jenv, jclass jcls,
                                                                         jlong source,
                                                                         jlong target,
                                                                         jlong length) {
  (void)jenv;
  (void)jcls;
  memcpy((void *)(intptr_t)target, (const void *)(intptr_t)source, (size_t)length);
}
/* Ping index of a tether_prober_poll() array: its stream, and {frame, length} in span. */
SWIGEXPORT jlong JNICALL Java_dev_tether_jni_TetherNativeJNI_pingAt(JNIEnv *jenv, jclass jcls,
                                                                   jlong pings, jlong index,
                                                                   jlongArray span) {
  (void)jcls;
  const tether_ping *ping = (const tether_ping *)(intptr_t)pings + index;
  jlong out[2] = {(jlong)(intptr_t)ping->frame, (jlong)ping->length};
  (*jenv)->SetLongArrayRegion(jenv, span, 0, 2, out);
  return (jlong)ping->stream;
}
/* The address of header index of a tether_invocation_input's headers array. */
SWIGEXPORT jlong JNICALL Java_dev_tether_jni_TetherNativeJNI_headerAt(JNIEnv *jenv, jclass jcls,
                                                                     jlong headers, jlong index) {
  (void)jenv;
  (void)jcls;
  return (jlong)(intptr_t)((const tether_invocation_header *)(intptr_t)headers + index);
}
#ifdef __cplusplus
}
#endif
%}

%include <tether.h>

/* struct_size values of the structs the Java layer allocates. */
%constant size_t SIZEOF_SESSION_STATS = sizeof(tether_session_stats);
%constant size_t SIZEOF_RTT_SUMMARY = sizeof(tether_rtt_summary);
%constant size_t SIZEOF_PROBER_STATS = sizeof(tether_prober_stats);
