//! Arbitrary bytes from a peer must give an error or a value: never a panic, a hang or
//! an allocation driven by an unchecked length.

use informix_protocol::codec::datetime::{Qualifier, decode_datetime, decode_interval};
use informix_protocol::codec::{decimal, int8};
use informix_protocol::describe::{ColumnDescriptor, Describe};
use informix_protocol::login::{LoginRequest, LoginResponse, split_packet};
use informix_protocol::message::{ClientMessage, ServerMessage, fp_value_len};
use informix_protocol::row::{CellReader, ColumnKind};
use informix_protocol::wire::Reader;
use proptest::prelude::*;

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: 2000,
        ..ProptestConfig::default()
    }
}

/// Bytes biased towards the tags and small lengths real streams contain.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![3 => 0u8..16, 1 => any::<u8>(), 1 => Just(0xff)],
        0..256,
    )
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn server_messages(bytes in stream()) {
        let mut rest = &bytes[..];
        while let Ok((_, n)) = ServerMessage::decode(rest) {
            prop_assert!(n > 0 && n <= rest.len());
            rest = &rest[n..];
        }
    }

    #[test]
    fn client_messages(bytes in stream()) {
        let mut rest = &bytes[..];
        while let Ok((_, n)) = ClientMessage::decode(rest) {
            prop_assert!(n > 0 && n <= rest.len());
            rest = &rest[n..];
        }
    }

    #[test]
    fn fast_path_results(bytes in stream(), types in prop::collection::vec(0u8..60, 0..4)) {
        // SQ_FPROUTINE with a small count, then value headers biased towards real types.
        let mut buf = vec![0, 0x67, 0, types.len() as u8];
        for (i, t) in types.iter().enumerate() {
            buf.extend_from_slice(&[0, *t]);
            buf.extend_from_slice(bytes.get(i * 8..).unwrap_or_default());
        }
        if let Ok((ServerMessage::RoutineResult(values), n)) = ServerMessage::decode(&buf) {
            prop_assert!(n <= buf.len());
            for v in &values {
                let _ = v.cell();
            }
        }
        for t in &types {
            let _ = fp_value_len(i16::from(*t), &bytes);
        }
    }

    #[test]
    fn login_packets(bytes in stream()) {
        if let Ok((ty, body, used)) = split_packet(&bytes) {
            prop_assert!(used <= bytes.len());
            let _ = LoginResponse::decode(ty, body);
            let _ = LoginRequest::decode_body(body);
        }
        let _ = LoginRequest::decode_body(&bytes);
    }

    #[test]
    fn describe_bodies(bytes in stream()) {
        let mut r = Reader::new(&bytes);
        let _ = Describe::decode_body(&mut r);
    }

    #[test]
    fn tuple_cells(bytes in stream(), types in prop::collection::vec((0u16..60, any::<u16>(), 0i32..12), 1..8)) {
        let kinds: Vec<ColumnKind> = types
            .iter()
            .map(|(t, len, xid)| ColumnKind::of(&ColumnDescriptor { type_code: *t, encoded_length: *len, extended_id: *xid, ..Default::default() }))
            .collect();
        let mut cells = CellReader::new(&bytes);
        for k in &kinds {
            if cells.next(*k).is_err() {
                break;
            }
        }
    }

    #[test]
    fn value_codecs(bytes in stream(), q in any::<u16>()) {
        let _ = decimal::decode_packed(&bytes);
        let _ = decimal::decode_bind(&bytes);
        let _ = int8::decode_int8(&bytes);
        if let Ok(q) = Qualifier::from_encoded(q) {
            let _ = decode_datetime(&bytes, &q);
            let _ = decode_interval(&bytes, &q);
        }
    }
}
